"""Helpers shared by controllers: server status, pagination, links."""

import re
import urllib.parse as urlparse

from oslo_log import log as logging
from oslo_utils import strutils
import webob.exc

from nova_lite.api.openstack import api_version_request
import nova_lite.conf
from nova_lite import exception
from nova_lite.states import task_states
from nova_lite.states import vm_states

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: set by the router when the URL carried /{project_id}/, so links in
# the answer keep the same shape as the request's URL.
ENV_URL_PROJECT_ID = 'nova.url_project_id'

# The API's server status for each (vm_state, task_state); 'default' covers
# every task state not listed. This is Nova's table, entry for entry:
# clients (and tempest) wait on these strings.
_STATE_MAP = {
    vm_states.ACTIVE: {
        'default': 'ACTIVE',
        task_states.REBOOTING: 'REBOOT',
        task_states.REBOOT_PENDING: 'REBOOT',
        task_states.REBOOT_STARTED: 'REBOOT',
        task_states.REBOOTING_HARD: 'HARD_REBOOT',
        task_states.REBOOT_PENDING_HARD: 'HARD_REBOOT',
        task_states.REBOOT_STARTED_HARD: 'HARD_REBOOT',
        task_states.UPDATING_PASSWORD: 'PASSWORD',
        task_states.REBUILDING: 'REBUILD',
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
        task_states.REBUILD_SPAWNING: 'REBUILD',
        task_states.MIGRATING: 'MIGRATING',
        task_states.RESIZE_PREP: 'RESIZE',
        task_states.RESIZE_MIGRATING: 'RESIZE',
        task_states.RESIZE_MIGRATED: 'RESIZE',
        task_states.RESIZE_FINISH: 'RESIZE',
    },
    vm_states.BUILDING: {
        'default': 'BUILD',
    },
    vm_states.STOPPED: {
        'default': 'SHUTOFF',
        task_states.RESIZE_PREP: 'RESIZE',
        task_states.RESIZE_MIGRATING: 'RESIZE',
        task_states.RESIZE_MIGRATED: 'RESIZE',
        task_states.RESIZE_FINISH: 'RESIZE',
        task_states.REBUILDING: 'REBUILD',
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
        task_states.REBUILD_SPAWNING: 'REBUILD',
    },
    vm_states.RESIZED: {
        'default': 'VERIFY_RESIZE',
        task_states.RESIZE_REVERTING: 'REVERT_RESIZE',
    },
    vm_states.PAUSED: {
        'default': 'PAUSED',
        task_states.MIGRATING: 'MIGRATING',
    },
    vm_states.SUSPENDED: {
        'default': 'SUSPENDED',
    },
    vm_states.RESCUED: {
        'default': 'RESCUE',
    },
    vm_states.ERROR: {
        'default': 'ERROR',
        task_states.REBUILDING: 'REBUILD',
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
        task_states.REBUILD_SPAWNING: 'REBUILD',
    },
    vm_states.DELETED: {
        'default': 'DELETED',
    },
    vm_states.SOFT_DELETED: {
        'default': 'SOFT_DELETED',
    },
    vm_states.SHELVED: {
        'default': 'SHELVED',
    },
    vm_states.SHELVED_OFFLOADED: {
        'default': 'SHELVED_OFFLOADED',
    },
}


def status_from_state(vm_state, task_state='default'):
    """The API status of a server in ``vm_state`` doing ``task_state``."""
    task_map = _STATE_MAP.get(vm_state, {'default': 'UNKNOWN'})
    status = task_map.get(task_state, task_map['default'])
    if status == 'UNKNOWN':
        LOG.error('status is UNKNOWN from vm_state=%(vm_state)s '
                  'task_state=%(task_state)s. Bad upgrade or db corrupted?',
                  {'vm_state': vm_state, 'task_state': task_state})
    return status


def task_and_vm_state_from_status(statuses):
    """The vm states and task states that show as any of ``statuses``.

    :returns: (sorted vm states, sorted task states); a task state of
        'default' means "whatever the task state".
    """
    wanted = {status.lower() for status in statuses}
    vm_state_set = set()
    task_state_set = set()
    for vm_state, task_map in _STATE_MAP.items():
        for task_state, status in task_map.items():
            if status.lower() in wanted:
                vm_state_set.add(vm_state)
                task_state_set.add(task_state)
    return sorted(vm_state_set), sorted(task_state_set)


def raise_http_conflict_for_instance_invalid_state(exc, action, server_id):
    """Answer an InstanceInvalidState with 409 in Nova's words.

    :param exc: the InstanceInvalidState raised by the compute API.
    :param action: the API's name of the action ('stop', 'reboot', ...).
    :raises: webob.exc.HTTPConflict, always.
    """
    attr = exc.kwargs.get('attr')
    state = exc.kwargs.get('state')
    if attr is not None and state is not None:
        msg = ("Cannot '%(action)s' instance %(server_id)s while it is in "
               "%(attr)s %(state)s" % {'action': action, 'attr': attr,
                                       'state': state,
                                       'server_id': server_id})
    else:
        # NOTE: e.g. launched_at None: still say which action and server.
        msg = ("Instance %(server_id)s is in an invalid state for "
               "'%(action)s'" % {'action': action, 'server_id': server_id})
    raise webob.exc.HTTPConflict(explanation=msg)


def check_image_metadata_quota(req, compute_api, context, metadata):
    """Refuse (403) the metadata of an image made of a server (createImage,
    createBackup) over the project's metadata_items quota: as Nova, only
    before 2.39; from then on the image service's own limits apply."""
    if api_version_request.is_supported(req, '2.39'):
        return
    try:
        compute_api.check_image_metadata_quota(context, metadata)
    except exception.OverQuota:
        raise webob.exc.HTTPForbidden(
            explanation='Image metadata limit exceeded')


def act_on_instance(action, server_id, call, *args):
    """Run a compute API ``call``; answer its refusals as Nova does.

    NotFound is 404, a lock or an instance on no host 409 with the
    error's words, a wrong state 409 in Nova's words, a driver without
    the feature 501.

    :param action: the API's name of the action ('pause', ...).
    :returns: what ``call(*args)`` returns.
    """
    try:
        return call(*args)
    except exception.InstanceNotFound as error:
        raise webob.exc.HTTPNotFound(explanation=error.format_message())
    except (exception.InstanceIsLocked,
            exception.InstanceNotReady) as error:
        raise webob.exc.HTTPConflict(explanation=error.format_message())
    except exception.InstanceInvalidState as error:
        raise_http_conflict_for_instance_invalid_state(error, action,
                                                       server_id)
    except NotImplementedError:
        raise webob.exc.HTTPNotImplemented(
            explanation='The requested functionality is not supported.')


def act_on_server(compute_api, req, server_id, policy, action, call):
    """Look the server up, check ``policy`` on it, run ``call``.

    :param call: ``call(context, instance)``, a compute API method.
    :returns: what ``call`` returns; refusals as :func:`act_on_instance`.
    """
    context = req.environ['nova.context']
    instance = compute_api.get(context, server_id)
    context.can(policy, target={'project_id': instance.project_id,
                                'user_id': instance.user_id})
    return act_on_instance(action, server_id, call, context, instance)


# ---- pagination ------------------------------------------------------------

def _get_int_param(request, param):
    value = request.GET[param]
    try:
        number = int(str(value))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='%s must be an integer.' % param)
    if number < 0:
        raise webob.exc.HTTPBadRequest(
            explanation='%s must be >= 0' % param)
    return number


def get_limit_and_marker(request):
    """``limit`` (capped by ``[api] max_limit``) and ``marker`` of a list.

    :raises: HTTPBadRequest for a limit that is not a non-negative integer.
    """
    max_limit = CONF.api.max_limit
    limit = max_limit
    if 'limit' in request.GET:
        limit = min(max_limit, _get_int_param(request, 'limit'))
    marker = request.GET.get('marker')
    return limit, marker


def get_sort_params(params, default_key='created_at', default_dir='desc'):
    """Lists of ``sort_key`` and ``sort_dir`` values, with defaults."""
    sort_keys = [key.strip() for key in params.getall('sort_key')]
    sort_dirs = [sort_dir.strip() for sort_dir in params.getall('sort_dir')]
    if not sort_keys and default_key:
        sort_keys.append(default_key)
    if not sort_dirs and default_dir:
        sort_dirs.append(default_dir)
    return sort_keys, sort_dirs


def is_all_tenants(search_opts):
    """Whether ``all_tenants`` asks for every project's servers.

    A bare ``all_tenants`` (empty value) counts as yes, as in Nova.

    :raises: InvalidInput for a value that is not a boolean.
    """
    value = search_opts.get('all_tenants')
    if value:
        try:
            return strutils.bool_from_string(value, True)
        except ValueError as err:
            raise exception.InvalidInput(reason=str(err))
    return 'all_tenants' in search_opts


# ---- ids and names ---------------------------------------------------------

def get_id_from_href(href):
    """The last path segment of ``href``: '1' for '.../flavors/1'."""
    return urlparse.urlsplit('%s' % href).path.split('/')[-1]


def normalize_name(name):
    return name.strip()


def url_join(*parts):
    """Join URL parts with '/'; an empty last part leaves a trailing '/'."""
    parts = parts or ['']
    clean = [part.strip('/') for part in parts if part]
    if not parts[-1]:
        clean.append('')
    return '/'.join(clean)


_VERSION_SUFFIX = re.compile(r'^v([0-9]+|[0-9]+\.[0-9]+)(/.*|$)')


def remove_trailing_version_from_href(href):
    """'http://h/compute/v2.1' -> 'http://h/compute'.

    :raises: ValueError when the last path segment is not a version.
    """
    parsed = urlparse.urlsplit(href)
    parts = parsed.path.rsplit('/', 1)
    if not _VERSION_SUFFIX.match(parts.pop()):
        raise ValueError('href %s does not contain version' % href)
    parsed = list(parsed)
    parsed[2] = url_join(*parts)
    return urlparse.urlunsplit(parsed)


def update_link_prefix(orig_url, prefix):
    """Swap scheme, host and port of ``orig_url`` for those of ``prefix``."""
    if not prefix:
        return orig_url
    url_parts = list(urlparse.urlsplit(orig_url))
    prefix_parts = list(urlparse.urlsplit(prefix))
    url_parts[0:2] = prefix_parts[0:2]
    url_parts[2] = prefix_parts[2] + url_parts[2]
    return urlparse.urlunsplit(url_parts).rstrip('/')


def versions_base_url(req):
    """The API root URL for version documents, without any version."""
    base = req.application_url
    try:
        base = remove_trailing_version_from_href(base)
    except ValueError:
        pass
    return update_link_prefix(base, CONF.api.compute_link_prefix)


class ViewBuilder(object):
    """Base of view builders: links to resources and to the next page."""

    _collection_name = None

    @staticmethod
    def _get_project_id(request):
        return request.environ.get(ENV_URL_PROJECT_ID) or ''

    @staticmethod
    def _update_compute_link_prefix(orig_url):
        return update_link_prefix(orig_url, CONF.api.compute_link_prefix)

    def _get_links(self, request, identifier, collection_name):
        return [
            {'rel': 'self',
             'href': self._get_href_link(request, identifier,
                                         collection_name)},
            {'rel': 'bookmark',
             'href': self._get_bookmark_link(request, identifier,
                                             collection_name)},
        ]

    def _get_href_link(self, request, identifier, collection_name):
        prefix = self._update_compute_link_prefix(request.application_url)
        return url_join(prefix, self._get_project_id(request),
                        collection_name, str(identifier))

    def _get_bookmark_link(self, request, identifier, collection_name):
        base = remove_trailing_version_from_href(request.application_url)
        base = self._update_compute_link_prefix(base)
        return url_join(base, self._get_project_id(request),
                        collection_name, str(identifier))

    def _get_next_link(self, request, identifier, collection_name):
        # NOTE: repeated parameters (sort_key/sort_dir pairs) are kept, in
        # their order: the next page must sort as this one did.
        params = sorted(((key, value) for key, value in
                         request.params.items() if key != 'marker'),
                        key=lambda item: item[0])
        params.append(('marker', identifier))
        prefix = self._update_compute_link_prefix(request.application_url)
        url = url_join(prefix, self._get_project_id(request),
                       collection_name)
        return '%s?%s' % (url, urlparse.urlencode(params))

    def _get_collection_links(self, request, items, collection_name,
                              id_key='uuid'):
        """The 'next' link when the page is full.

        A page is full when it holds as many items as the request's limit
        (capped by ``[api] max_limit``), or ``max_limit`` items without one.
        """
        try:
            limit = int(request.params.get('limit', CONF.api.max_limit))
        except ValueError:
            return []
        max_items = min(limit, CONF.api.max_limit)
        if not max_items or max_items != len(items):
            return []
        last = items[-1]
        last_id = getattr(last, id_key, None)
        if last_id is None and isinstance(last, dict):
            last_id = last.get(id_key)
        return [{'rel': 'next',
                 'href': self._get_next_link(request, last_id,
                                             collection_name)}]


def method_gone(req):
    """Answer for a method removed at the request's microversion: 404,
    exactly as for a method that never existed there.

    :raises: VersionNotFoundForAPIMethod
    """
    raise exception.VersionNotFoundForAPIMethod(
        version=req.api_version_request.get_string())


def forced_destination(options, host):
    """The ``force`` of a move request (evacuate 2.29, os-migrateLive 2.30,
    both gone in 2.68): False when absent.

    :raises: HTTPBadRequest for a force without a ``host`` to force to.
    """
    force = strutils.bool_from_string(options.get('force', False),
                                      strict=True)
    if force and not host:
        raise webob.exc.HTTPBadRequest(
            explanation="Can't force to a non-provided destination")
    return force
