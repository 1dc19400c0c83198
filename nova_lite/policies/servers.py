"""Policy defaults of /servers."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:servers:%s'
# NOTE: Nova's name for this one has no os_compute_api prefix.
REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'


def _rule(name, check, method, path, desc):
    return policy.DocumentedRuleDefault(
        PREFIX % name, check, desc, [{'method': method, 'path': path}])


rules = [
    _rule('index', base.PROJECT_READER_OR_ADMIN, 'GET', '/servers',
          'List servers'),
    _rule('detail', base.PROJECT_READER_OR_ADMIN, 'GET', '/servers/detail',
          'List servers with details'),
    _rule('index:get_all_tenants', base.ADMIN, 'GET', '/servers',
          'List servers of all projects'),
    _rule('detail:get_all_tenants', base.ADMIN, 'GET',
          '/servers/detail', 'List servers of all projects with details'),
    _rule('show', base.PROJECT_READER_OR_ADMIN, 'GET', '/servers/{id}',
          'Show a server'),
    _rule('allow_all_filters', base.ADMIN, 'GET', '/servers',
          'Filter servers by any attribute, not only the public filters'),
    _rule('show:host_status', base.ADMIN, 'GET', '/servers/{id}',
          'Show the host status of a server (2.16+)'),
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN, 'POST', '/servers',
          'Create a server'),
    _rule('create:forced_host', base.ADMIN, 'POST', '/servers',
          'Create a server on a named host'),
    policy.DocumentedRuleDefault(
        REQUESTED_DESTINATION, base.ADMIN,
        'Create a server on a requested host or node; unlike a forced '
        'host the scheduler filters still run (2.74)',
        [{'method': 'POST', 'path': '/servers'}]),
    _rule('update', base.PROJECT_MEMBER_OR_ADMIN, 'PUT', '/servers/{id}',
          'Update a server'),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN, 'DELETE', '/servers/{id}',
          'Delete a server'),
    _rule('stop', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (os-stop)', 'Stop a server'),
    _rule('start', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (os-start)', 'Start a server'),
    _rule('reboot', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (reboot)', 'Reboot a server'),
    _rule('create_image', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (createImage)',
          'Create an image from a server'),
    # ---- resize and rebuild ----
    _rule('resize', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (resize)', 'Resize a server'),
    _rule('confirm_resize', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (confirmResize)',
          'Confirm the resize of a server'),
    _rule('revert_resize', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (revertResize)',
          'Revert the resize of a server'),
    _rule('rebuild', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (rebuild)', 'Rebuild a server'),
    _rule('rebuild:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN, 'POST',
          '/servers/{id}/action (rebuild)',
          'Rebuild a server with trusted image certificates (2.63+)'),
    policy.DocumentedRuleDefault(
        'os_compute_api:os-extended-server-attributes', base.ADMIN,
        'Show OS-EXT-SRV-ATTR attributes of a server',
        [{'method': 'GET', 'path': '/servers/{id}'}]),
]


def list_rules():
    return rules
