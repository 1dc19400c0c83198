"""compute.server_group_api.ServerGroupAPI on sqlite: visibility, quotas
(server_groups, server_group_members) and the group a server create asks
to join."""

from oslo_utils import uuidutils
from oslo_versionedobjects import base as ovo_base
import pytest

from nova_lite.compute import server_group_api
from nova_lite import context as nova_context
from nova_lite.db import instance_api as db_api
from nova_lite import exception
from nova_lite import objects
from nova_lite import quota

API = server_group_api.ServerGroupAPI


def _ctxt(project='project-1', user='user-1', admin=False):
    return nova_context.RequestContext(
        user_id=user, project_id=project, is_admin=admin,
        roles=['admin'] if admin else ['member', 'reader'], overwrite=False)


def _server(ctxt):
    uuid = uuidutils.generate_uuid()
    db_api.instance_create({'uuid': uuid, 'user_id': ctxt.user_id,
                            'project_id': ctxt.project_id,
                            'vm_state': 'active'})
    return uuid


def test_create_show_list_delete(database):
    ctxt = _ctxt()
    group = API.create(ctxt, 'g', 'anti-affinity', {'max_server_per_host': 2})
    assert (group.policy, group.rules, group.members) == (
        'anti-affinity', {'max_server_per_host': 2}, [])
    assert group.policies == ['anti-affinity']
    assert group.max_server_per_host == 2
    other = API.create(_ctxt('project-2'), 'h', 'affinity', {})
    assert API.get(ctxt, group.uuid).uuid == group.uuid
    with pytest.raises(exception.InstanceGroupNotFound):
        API.get(ctxt, other.uuid)
    with pytest.raises(exception.InstanceGroupNotFound):
        API.get(ctxt, 'not-a-uuid')
    admin = _ctxt(admin=True)
    assert API.get(admin, other.uuid).project_id == 'project-2'
    assert [g.uuid for g in API.get_all(ctxt)] == [group.uuid]
    assert [g.uuid for g in API.get_all(admin, all_projects=True)] == [
        group.uuid, other.uuid]
    assert [g.uuid for g in API.get_all(admin, all_projects=True,
                                        limit=1, offset=1)] == [other.uuid]
    API.delete(ctxt, group)
    assert list(API.get_all(ctxt)) == []


def test_server_groups_quota(database, flags):
    flags.set(group='quota', server_groups=2)
    ctxt = _ctxt()
    API.create(ctxt, 'a', 'affinity', {})
    API.create(ctxt, 'b', 'affinity', {})
    with pytest.raises(exception.ServerGroupLimitExceeded):
        API.create(ctxt, 'c', 'affinity', {})
    # NOTE: another project has its own quota.
    API.create(_ctxt('project-2'), 'c', 'affinity', {})
    assert quota.project_usage('project-1')['server_groups'] == 2


def test_group_for_create(database, flags):
    ctxt = _ctxt()
    assert API.get_for_create(ctxt, {}, 1) is None
    assert API.get_for_create(ctxt, None, 1) is None
    group = API.create(ctxt, 'g', 'anti-affinity', {})
    assert API.get_for_create(ctxt, {'group': group.uuid}, 1).uuid == \
        group.uuid
    assert API.get_for_create(ctxt, {'group': [group.uuid]}, 1).uuid == \
        group.uuid
    for hint in (uuidutils.generate_uuid(), 'nonsense'):
        with pytest.raises(exception.InstanceGroupNotFoundForCreate) as err:
            API.get_for_create(ctxt, {'group': hint}, 1)
        assert err.value.code == 400
    other = API.create(_ctxt('project-2'), 'h', 'affinity', {})
    with pytest.raises(exception.InstanceGroupNotFoundForCreate):
        API.get_for_create(ctxt, {'group': other.uuid}, 1)


def test_server_group_members_quota(database, flags):
    flags.set(group='quota', server_group_members=3)
    ctxt = _ctxt()
    group = API.create(ctxt, 'g', 'anti-affinity', {})
    objects.InstanceGroup.add_members(ctxt, group.uuid,
                                      [_server(ctxt), _server(ctxt)])
    API.get_for_create(ctxt, {'group': group.uuid}, 1)
    with pytest.raises(exception.ServerGroupMembersLimitExceeded):
        API.get_for_create(ctxt, {'group': group.uuid}, 2)
    # NOTE: the limit counts the user's own members of the group.
    API.get_for_create(_ctxt(user='user-2'), {'group': group.uuid}, 3)


def test_request_spec_carries_the_group(database):
    ctxt = _ctxt()
    group = API.create(ctxt, 'g', 'anti-affinity', {'max_server_per_host': 2})
    flavor = objects.Flavor(vcpus=1, memory_mb=64, root_gb=1,
                            ephemeral_gb=0, swap=0, extra_specs={})
    image = objects.ImageMeta(id=uuidutils.generate_uuid(), properties={})
    uuid = _server(ctxt)
    spec = objects.RequestSpec(context=ctxt, instance_uuid=uuid,
                               flavor=flavor, image=image,
                               instance_group=group)
    spec.create()
    stored = objects.RequestSpec.get_by_instance_uuid(ctxt, uuid)
    assert stored.instance_group.uuid == group.uuid
    assert stored.instance_group.rules == {'max_server_per_host': 2}
    # NOTE: a 1.0 peer (before server groups) gets no instance_group.
    manifest = ovo_base.obj_tree_get_versions('RequestSpec')
    manifest['RequestSpec'] = '1.0'
    old = spec.obj_to_primitive(target_version='1.0',
                                version_manifest=manifest)
    assert 'instance_group' not in old['nova_lite_object.data']
