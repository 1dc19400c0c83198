"""The policy defaults follow Nova's personas: project reader, project
member, admin."""

import pytest

from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import policies
from nova_lite.policies import base

READER = ['reader']
MEMBER = ['member', 'reader']
ADMIN = ['admin', 'member', 'reader']
OWN = 'project-a'
OTHER = 'project-b'


def _context(roles, project=OWN):
    return nova_context.RequestContext(
        user_id='user-1', project_id=project, roles=roles, is_admin=None,
        overwrite=False)


def _allowed(roles, action, target_project=OWN, project=OWN):
    ctx = _context(roles, project)
    return ctx.can(action, {'project_id': target_project,
                            'user_id': 'user-1'}, fatal=False)


@pytest.mark.parametrize('roles, is_admin', [
    (READER, False), (MEMBER, False), (ADMIN, True), (['admin'], True),
    ([], False),
])
def test_admin_is_the_admin_role(roles, is_admin):
    assert _context(roles).is_admin is is_admin


@pytest.mark.parametrize('action, reader, member, admin', [
    ('os_compute_api:servers:index', True, True, True),
    ('os_compute_api:servers:show', True, True, True),
    ('os_compute_api:servers:create', False, True, True),
    ('os_compute_api:servers:update', False, True, True),
    ('os_compute_api:servers:delete', False, True, True),
    ('os_compute_api:servers:index:get_all_tenants', False, False, True),
    ('os_compute_api:servers:create:forced_host', False, False, True),
    ('compute:servers:create:requested_destination', False, False, True),
    ('os_compute_api:os-flavor-manage:update', False, False, True),
    ('os_compute_api:os-flavor-manage:create', False, False, True),
    ('os_compute_api:os-flavor-extra-specs:index', True, True, True),
    ('os_compute_api:os-flavor-extra-specs:create', False, False, True),
    ('os_compute_api:os-services:list', False, False, True),
])
def test_personas_in_their_own_project(action, reader, member, admin):
    assert _allowed(READER, action) is reader
    assert _allowed(MEMBER, action) is member
    assert _allowed(ADMIN, action) is admin


@pytest.mark.parametrize('action', [
    'os_compute_api:servers:show', 'os_compute_api:servers:delete'])
def test_another_projects_member_is_refused_and_admin_is_not(action):
    assert _allowed(MEMBER, action, target_project=OTHER) is False
    assert _allowed(ADMIN, action, target_project=OTHER) is True


def test_refusal_names_the_policy():
    with pytest.raises(exception.PolicyNotAuthorized) as caught:
        _context(READER).can('os_compute_api:servers:create')
    assert caught.value.format_message() == (
        "Policy doesn't allow os_compute_api:servers:create to be "
        "performed.")
    assert caught.value.code == 403


def test_persona_rules_carry_novas_names():
    names = {rule.name for rule in policies.list_rules()}
    assert {'context_is_admin', 'admin_api', 'project_member_api',
            'project_reader_api', 'project_member_or_admin',
            'project_reader_or_admin'} <= names
    for constant in (base.ADMIN, base.PROJECT_MEMBER, base.PROJECT_READER,
                     base.PROJECT_MEMBER_OR_ADMIN,
                     base.PROJECT_READER_OR_ADMIN, base.RULE_ADMIN_API):
        assert constant.startswith('rule:')
        assert constant[len('rule:'):] in names
