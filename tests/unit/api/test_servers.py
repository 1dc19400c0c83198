"""The /servers controller through the app, with the compute API mocked."""

import datetime
from unittest import mock

import pytest

import nova_lite.conf
from nova_lite import exception
from nova_lite.states import vm_states
from tests.unit.api import fakes

CONF = nova_lite.conf.CONF
SERVERS = '/v2.1/servers'
ONE = '/v2.1/servers/%s' % fakes.SERVER
NET = '3cb9bc59-5699-4588-a4b1-b87f96708bc6'


@pytest.fixture
def client():
    client = fakes.Client()
    api = client.compute_api
    api.get.return_value = fakes.instance()
    api.get_all.return_value = [fakes.instance()]
    api.get_flavor_for_create.return_value = fakes.flavor()
    api.create.return_value = ([fakes.instance()], 'r-abcdefgh')
    api.update_instance.side_effect = lambda ctx, inst, updates: inst
    api.get_instance_host_status.return_value = 'UP'
    api.get_instances_host_statuses.return_value = {fakes.SERVER: 'UP'}
    return client


def create_body(**server):
    body = {'server': {'name': 'new-server-test', 'imageRef': fakes.IMAGE,
                       'flavorRef': '1'}}
    body['server'].update(server)
    return body


# ---- create ----------------------------------------------------------------

def test_create(client):
    resp = client.request(SERVERS, method='POST', body=create_body(
        metadata={'a': 'b'}, key_name='kp', user_data='aGk=',
        availability_zone='nova', accessIPv4='1.2.3.4'))
    assert resp.status_int == 202
    server = resp.json['server']
    assert set(server) == {'id', 'links', 'OS-DCF:diskConfig',
                           'security_groups', 'adminPass'}
    assert server['id'] == fakes.SERVER
    assert server['security_groups'] == [{'name': 'default'}]
    assert len(server['adminPass']) == 12
    assert resp.headers['Location'] == (
        'http://localhost/v2.1/servers/%s' % fakes.SERVER)
    assert server['links'][0]['href'] == resp.headers['Location']

    client.compute_api.get_flavor_for_create.assert_called_once_with(
        mock.ANY, '1')
    args, kwargs = client.compute_api.create.call_args
    assert args[1:] == (client.compute_api.get_flavor_for_create.return_value,
                        fakes.IMAGE)
    assert kwargs == {
        'name': 'new-server-test', 'description': 'new-server-test',
        'key_name': 'kp', 'user_data': 'aGk=', 'metadata': {'a': 'b'},
        'availability_zone': 'nova', 'min_count': 1, 'max_count': 1,
        'access_ip_v4': '1.2.3.4', 'access_ip_v6': None,
        'config_drive': None, 'requested_networks': None,
        'scheduler_hints': {}, 'admin_password': server['adminPass'],
        'return_reservation_id': False, 'tags': None, 'hostname': None,
        'requested_host': None, 'requested_hypervisor_hostname': None}


def test_create_keeps_given_password(client):
    resp = client.request(SERVERS, method='POST',
                          body=create_body(adminPass='s3cret'))
    assert resp.json['server']['adminPass'] == 's3cret'


def test_create_without_password_when_disabled(client):
    CONF.set_override('enable_instance_password', False, group='api')
    try:
        resp = client.request(SERVERS, method='POST', body=create_body())
    finally:
        CONF.clear_override('enable_instance_password', group='api')
    assert resp.status_int == 202
    assert 'adminPass' not in resp.json['server']


def test_create_echoes_security_groups(client):
    groups = [{'name': 'default'}]
    resp = client.request(SERVERS, method='POST',
                          body=create_body(security_groups=groups))
    assert resp.json['server']['security_groups'] == groups


def test_create_with_unknown_security_group_is_400(client):
    resp = client.request(SERVERS, method='POST',
                          body=create_body(security_groups=[{'name': 'web'}]))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Security group web not found.')
    assert not client.compute_api.create.called


@pytest.mark.parametrize('counts, expected', [
    ({'min_count': 2}, (2, 2)),
    ({'max_count': '3'}, (1, 3)),
    ({'min_count': '2', 'max_count': 5}, (2, 5)),
])
def test_create_counts(client, counts, expected):
    resp = client.request(SERVERS, method='POST', body=create_body(**counts))
    assert resp.status_int == 202
    kwargs = client.compute_api.create.call_args[1]
    assert (kwargs['min_count'], kwargs['max_count']) == expected


def test_create_min_count_above_max_count(client):
    resp = client.request(SERVERS, method='POST',
                          body=create_body(min_count=3, max_count=2))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'min_count must be <= max_count')
    assert not client.compute_api.create.called


def test_create_return_reservation_id(client):
    resp = client.request(SERVERS, method='POST', body=create_body(
        return_reservation_id=True, min_count=2))
    assert resp.status_int == 202
    assert resp.json == {'reservation_id': 'r-abcdefgh'}
    assert 'Location' not in resp.headers
    assert client.compute_api.create.call_args[1][
        'return_reservation_id'] is True


def test_create_description_from_2_19(client):
    client.request(SERVERS, method='POST', version='2.19',
                   body=create_body(description='my server'))
    assert client.compute_api.create.call_args[1][
        'description'] == 'my server'


def test_create_hints(client):
    body = create_body()
    body['os:scheduler_hints'] = {'same_host': fakes.SERVER}
    client.request(SERVERS, method='POST', body=body)
    assert client.compute_api.create.call_args[1]['scheduler_hints'] == {
        'same_host': fakes.SERVER}


@pytest.mark.parametrize('version, networks, expected', [
    ('2.37', 'auto', 'auto'),
    ('2.37', 'none', 'none'),
    ('2.1', [{'uuid': NET}],
     [{'network_id': NET, 'port_id': None, 'address': None, 'tag': None}]),
    ('2.42', [{'port': NET, 'tag': 'nic'}],
     [{'network_id': None, 'port_id': NET, 'address': None, 'tag': 'nic'}]),
    ('2.1', [{'uuid': NET, 'fixed_ip': '10.0.0.5'}],
     [{'network_id': NET, 'port_id': None, 'address': '10.0.0.5',
       'tag': None}]),
])
def test_create_networks(client, version, networks, expected):
    resp = client.request(SERVERS, method='POST', version=version,
                          body=create_body(networks=networks))
    assert resp.status_int == 202
    assert client.compute_api.create.call_args[1][
        'requested_networks'] == expected


@pytest.mark.parametrize('version, networks, fragment', [
    ('2.1', [{'port': NET, 'fixed_ip': '10.0.0.5'}], 'cannot be used'),
    ('2.1', [{'fixed_ip': '10.0.0.5'}], "missing 'uuid'"),
    ('2.1', [{'uuid': 'not-a-uuid'}], 'not in proper format'),
    ('2.37', None, 'networks'),
])
def test_create_bad_networks(client, version, networks, fragment):
    body = create_body(networks=networks)
    if networks is None:
        del body['server']['networks']
    resp = client.request(SERVERS, method='POST', version=version, body=body)
    assert resp.status_int == 400
    assert fragment in resp.json['badRequest']['message']
    assert not client.compute_api.create.called


@pytest.mark.parametrize('error, code, message', [
    (exception.FlavorNotFoundForCreate(flavor_id='9'), 400,
     'Flavor 9 could not be found.'),
    (exception.ImageNotFound(image_id='x'), 400,
     'Can not find requested image'),
    (exception.KeypairNotFound(name='kp', user_id='u'), 400,
     'Invalid key_name provided.'),
    (exception.ImageNotActive(image_id='x'), 400, 'Image x is not active.'),
    (exception.TooManyInstances(resources='instances', req=1, used=10,
                                allowed=10), 403, None),
    (exception.InstanceExists(name='x'), 500, None),
])
def test_create_errors(client, error, code, message):
    client.compute_api.create.side_effect = error
    resp = client.request(SERVERS, method='POST', body=create_body())
    assert resp.status_int == code
    if message:
        assert list(resp.json.values())[0]['message'] == message


def test_create_missing_image(client):
    resp = client.request(SERVERS, method='POST',
                          body=create_body(imageRef=''))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Missing imageRef attribute'


def _image_bdm(image=fakes.IMAGE, **overrides):
    bdm = {'uuid': image, 'boot_index': 0, 'source_type': 'image',
           'destination_type': 'local', 'delete_on_termination': True}
    bdm.update(overrides)
    return bdm


@pytest.mark.parametrize('image_ref', [fakes.IMAGE, ''])
def test_create_with_the_openstack_cli_root_disk_mapping(client, image_ref):
    # What `openstack server create --image X` sends: imageRef plus the
    # same image as a local boot disk (or the mapping alone).
    body = create_body(imageRef=image_ref,
                       block_device_mapping_v2=[_image_bdm()])
    resp = client.request(SERVERS, method='POST', body=body)
    assert resp.status_int == 202, resp.json
    args, _ = client.compute_api.create.call_args
    assert args[2] == fakes.IMAGE


@pytest.mark.parametrize('mappings', [
    [_image_bdm(destination_type='volume')],
    [_image_bdm(source_type='blank', uuid=None)],
    [_image_bdm(boot_index=1)],
    [_image_bdm(), _image_bdm(boot_index=1)],
    [_image_bdm(image='5a6bb1b1-0f27-4d3c-9ab8-5c1e3f3bd8a9')],
])
def test_create_refuses_other_block_device_mappings(client, mappings):
    body = create_body(block_device_mapping_v2=mappings)
    resp = client.request(SERVERS, method='POST', body=body)
    assert resp.status_int == 400
    assert 'badRequest' in resp.json
    client.compute_api.create.assert_not_called()


def test_create_forced_host_is_admin_only(client):
    body = create_body(availability_zone='nova:host1')
    assert client.request(SERVERS, method='POST',
                          body=body).status_int == 403
    assert client.admin(SERVERS, method='POST', body=body).status_int == 202


@pytest.mark.parametrize('body, fragment', [
    (create_body(name='x' * 256), 'name'),
    (create_body(name=None), 'name'),
    (create_body(flavorRef=[1]), 'flavorRef'),
    ({'server': {'flavorRef': '1', 'imageRef': fakes.IMAGE}},
     "'name' is a required property"),
    ({'server': []}, 'server'),
])
def test_create_invalid_bodies(client, body, fragment):
    resp = client.request(SERVERS, method='POST', body=body)
    assert resp.status_int == 400
    assert fragment in resp.json['badRequest']['message']
    assert not client.compute_api.create.called


# ---- show ------------------------------------------------------------------

BASE_KEYS = {
    'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata', 'hostId',
    'image', 'flavor', 'created', 'updated', 'addresses', 'accessIPv4',
    'accessIPv6', 'links', 'OS-DCF:diskConfig', 'progress',
    'OS-EXT-AZ:availability_zone', 'config_drive', 'key_name',
    'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at',
    'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state', 'OS-EXT-STS:power_state',
    'os-extended-volumes:volumes_attached',
}
ADMIN_21 = {'OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:instance_name',
            'OS-EXT-SRV-ATTR:hypervisor_hostname'}
ADMIN_23 = ADMIN_21 | {
    'OS-EXT-SRV-ATTR:reservation_id', 'OS-EXT-SRV-ATTR:launch_index',
    'OS-EXT-SRV-ATTR:hostname', 'OS-EXT-SRV-ATTR:kernel_id',
    'OS-EXT-SRV-ATTR:ramdisk_id', 'OS-EXT-SRV-ATTR:root_device_name',
    'OS-EXT-SRV-ATTR:user_data'}


@pytest.mark.parametrize('version, admin, expected', [
    ('2.1', False, BASE_KEYS),
    ('2.1', True, BASE_KEYS | ADMIN_21),
    ('2.3', True, BASE_KEYS | ADMIN_23),
    ('2.9', False, BASE_KEYS | {'locked'}),
    ('2.16', False, BASE_KEYS | {'locked'}),
    ('2.16', True, BASE_KEYS | ADMIN_23 | {'locked', 'host_status'}),
    ('2.19', False, BASE_KEYS | {'locked', 'description'}),
    ('2.26', False, BASE_KEYS | {'locked', 'description', 'tags'}),
    ('2.47', False, BASE_KEYS | {'locked', 'description', 'tags'}),
])
def test_show_keys_by_version(client, version, admin, expected):
    call = client.admin if admin else client.request
    resp = call(ONE, version=version)
    assert resp.status_int == 200
    assert set(resp.json['server']) == expected


def test_show_values(client):
    resp = client.request(ONE)
    server = resp.json['server']
    assert server['status'] == 'ACTIVE'
    assert server['tenant_id'] == fakes.PROJECT
    assert server['created'] == '2013-09-03T04:01:32Z'
    assert server['OS-SRV-USG:launched_at'] == '2013-09-23T13:37:00.880302'
    assert server['OS-SRV-USG:terminated_at'] is None
    assert len(server['hostId']) == 56
    assert server['image'] == {'id': fakes.IMAGE, 'links': [{
        'rel': 'bookmark',
        'href': 'http://localhost/images/%s' % fakes.IMAGE}]}
    assert server['flavor'] == {'id': '1', 'links': [{
        'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]}
    assert server['accessIPv4'] == ''
    assert server['OS-EXT-STS:power_state'] == 1
    assert server['OS-EXT-STS:vm_state'] == 'active'
    assert server['os-extended-volumes:volumes_attached'] == []
    assert server['progress'] == 0
    client.compute_api.get.assert_called_once_with(
        mock.ANY, fakes.SERVER, expected_attrs=['fault'])


def test_host_id_is_per_project_and_host(client):
    from nova_lite.api.openstack.compute.views import servers as views
    assert views.generate_host_id(None, 'p') == ''
    assert views.generate_host_id('h', 'p1') != views.generate_host_id(
        'h', 'p2')
    resp = client.request(ONE)
    assert resp.json['server']['hostId'] == views.generate_host_id(
        'compute1', fakes.PROJECT)


def test_show_embedded_flavor_2_47(client):
    client.compute_api.get.return_value = fakes.instance(
        flavor=fakes.flavor(extra_specs={'hw:numa_nodes': '1'}))
    resp = client.request(ONE, version='2.47')
    assert resp.json['server']['flavor'] == {
        'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0, 'swap': 0,
        'original_name': 'm1.tiny', 'extra_specs': {'hw:numa_nodes': '1'}}


def test_show_no_image(client):
    client.compute_api.get.return_value = fakes.instance(image_ref='')
    assert client.request(ONE).json['server']['image'] == ''


def test_show_building_hides_addresses_and_has_progress(client):
    client.compute_api.get.return_value = fakes.instance(
        vm_state=vm_states.BUILDING, task_state='scheduling')
    server = client.request(ONE).json['server']
    assert server['status'] == 'BUILD'
    assert server['addresses'] == {}
    assert 'progress' in server


def test_show_addresses(client):
    nw_info = [{'address': 'fa:16:3e:00:00:01', 'network': {
        'label': 'private', 'subnets': [{'ips': [{
            'address': '192.168.1.30', 'version': 4, 'type': 'fixed',
            'floating_ips': []}]}]}}]
    client.compute_api.get.return_value = fakes.instance(
        info_cache=mock.Mock(network_info=nw_info))
    assert client.request(ONE).json['server']['addresses'] == {
        'private': [{'addr': '192.168.1.30', 'version': 4,
                     'OS-EXT-IPS:type': 'fixed',
                     'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01'}]}


@pytest.mark.parametrize('admin, code, details', [
    (False, 500, False),
    (True, 500, True),
    (False, 400, True),
])
def test_show_fault(client, admin, code, details):
    client.compute_api.get.return_value = fakes.instance(
        vm_state=vm_states.ERROR, fault=fakes.fault(code=code))
    call = client.admin if admin else client.request
    server = call(ONE).json['server']
    assert server['status'] == 'ERROR'
    assert 'progress' not in server
    fault = server['fault']
    assert fault['code'] == code
    assert fault['message'] == 'NoValidHost'
    assert fault['created'] == '2013-09-03T04:01:33Z'
    assert ('details' in fault) is details


def test_show_no_fault_when_active(client):
    client.compute_api.get.return_value = fakes.instance(
        fault=fakes.fault())
    assert 'fault' not in client.request(ONE).json['server']


def test_show_deleted(client):
    client.compute_api.get.return_value = fakes.instance(deleted=True)
    assert client.admin(ONE).json['server']['status'] == 'DELETED'


@pytest.mark.parametrize('server_id', ['abc', '1', 'x' * 300])
def test_show_non_uuid_is_404_without_lookup(client, server_id):
    resp = client.request('/v2.1/servers/%s' % server_id)
    assert resp.status_int == 404
    assert not client.compute_api.get.called


def test_show_other_project_is_404(client):
    # The compute API scopes lookups by project for non-admins.
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    assert client.request(ONE).status_int == 404


def test_show_policy_uses_the_servers_project(client):
    # An admin-owned server of another project, visible to an admin only.
    client.compute_api.get.return_value = fakes.instance(project_id='other')
    assert client.request(ONE).status_int == 403
    assert client.admin(ONE).status_int == 200


# ---- list ------------------------------------------------------------------

def test_index(client):
    resp = client.request(SERVERS)
    assert resp.status_int == 200
    assert resp.json == {'servers': [{
        'id': fakes.SERVER, 'name': 'new-server-test',
        'links': [
            {'rel': 'self',
             'href': 'http://localhost/v2.1/servers/%s' % fakes.SERVER},
            {'rel': 'bookmark',
             'href': 'http://localhost/servers/%s' % fakes.SERVER}]}]}
    kwargs = client.compute_api.get_all.call_args[1]
    assert kwargs['search_opts'] == {'deleted': False,
                                     'project_id': fakes.PROJECT}
    assert kwargs['limit'] == CONF.api.max_limit
    assert kwargs['marker'] is None
    assert kwargs['sort_keys'] == ['created_at']
    assert kwargs['sort_dirs'] == ['desc']


def test_index_next_link(client):
    resp = client.request(SERVERS + '?limit=1&status=error')
    assert resp.json['servers_links'] == [{
        'rel': 'next',
        'href': 'http://localhost/v2.1/servers?limit=1&status=error&'
                'marker=%s' % fakes.SERVER}]
    assert client.compute_api.get_all.call_args[1]['limit'] == 1


def test_detail(client):
    resp = client.request(SERVERS + '/detail')
    assert resp.status_int == 200
    server = resp.json['servers'][0]
    assert set(server) == BASE_KEYS
    assert 'servers_links' not in resp.json


def test_detail_host_status_for_admins(client):
    resp = client.admin(SERVERS + '/detail', version='2.16')
    assert resp.json['servers'][0]['host_status'] == 'UP'
    assert 'host_status' not in client.request(
        SERVERS + '/detail', version='2.16').json['servers'][0]


def test_detail_next_link_path(client):
    resp = client.request(SERVERS + '/detail?limit=1')
    assert resp.json['servers_links'][0]['href'].startswith(
        'http://localhost/v2.1/servers/detail?limit=1&marker=')


@pytest.mark.parametrize('query, expected', [
    ('status=ACTIVE', {'vm_state': ['active']}),
    ('status=REBOOT',
     {'vm_state': ['active'],
      'task_state': ['reboot_pending', 'reboot_started', 'rebooting']}),
    ('name=^web', {'name': '^web'}),
    ('changes-since=2016-01-01T00:00:00Z',
     {'changes-since': datetime.datetime(2016, 1, 1,
                                         tzinfo=datetime.timezone.utc)}),
    # Only admins may ask for deleted servers; others' 'deleted' is dropped.
    ('deleted=true', {}),
    # Non-admins cannot filter by host: silently dropped, as in Nova.
    ('host=compute1', {}),
    # tenant_id only counts with all_tenants.
    ('tenant_id=other', {}),
])
def test_index_filters(client, query, expected):
    resp = client.request(SERVERS + '?' + query)
    assert resp.status_int == 200
    search = client.compute_api.get_all.call_args[1]['search_opts']
    expected = dict(expected, project_id=fakes.PROJECT)
    if 'changes-since' not in expected and 'deleted' not in expected:
        expected['deleted'] = False
    assert search == expected


def test_index_admin_filters(client):
    client.admin(SERVERS + '?host=compute1&sort_key=host&deleted=true')
    kwargs = client.compute_api.get_all.call_args[1]
    assert kwargs['search_opts']['host'] == 'compute1'
    assert kwargs['search_opts']['deleted'] is True
    assert kwargs['sort_keys'] == ['host']


def test_index_internal_filters_refused(client):
    resp = client.admin(SERVERS + '?_secret=1')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Invalid filter field: _secret.')


def test_index_sort_by_host_is_admin_only(client):
    resp = client.request(SERVERS + '?sort_key=host')
    assert resp.status_int == 403


def test_index_ignored_sort_keys(client):
    client.request(SERVERS + '?sort_key=vcpus&sort_dir=asc'
                   '&sort_key=display_name&sort_dir=desc')
    kwargs = client.compute_api.get_all.call_args[1]
    assert kwargs['sort_keys'] == ['display_name']
    assert kwargs['sort_dirs'] == ['desc']


@pytest.mark.parametrize('version, code', [('2.1', 200), ('2.38', 400)])
def test_index_invalid_status(client, version, code):
    resp = client.request(SERVERS + '?status=SLEEPY', version=version)
    assert resp.status_int == code
    if code == 200:
        assert resp.json == {'servers': []}
    assert not client.compute_api.get_all.called


def test_index_deleted_state_is_admin_only(client):
    assert client.request(SERVERS + '?status=DELETED').status_int == 403
    client.admin(SERVERS + '?status=DELETED')
    assert client.compute_api.get_all.call_args[1]['search_opts'][
        'deleted'] is True


def test_all_tenants_non_admin_forbidden(client):
    resp = client.request(SERVERS + '?all_tenants=1')
    assert resp.status_int == 403
    assert resp.json['forbidden']['code'] == 403
    assert not client.compute_api.get_all.called


def test_all_tenants_admin(client):
    resp = client.admin(SERVERS + '/detail?all_tenants&tenant_id=other')
    assert resp.status_int == 200
    args, kwargs = client.compute_api.get_all.call_args
    assert 'project_id' not in kwargs['search_opts']
    assert kwargs['search_opts']['tenant_id'] == 'other'
    assert args[0].is_admin


def test_all_tenants_false_is_own_project(client):
    client.admin(SERVERS + '?all_tenants=0')
    assert client.compute_api.get_all.call_args[1]['search_opts'][
        'project_id'] == fakes.PROJECT


def test_index_marker_not_found(client):
    client.compute_api.get_all.side_effect = exception.MarkerNotFound(
        marker='m1')
    resp = client.request(SERVERS + '?marker=m1')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'marker [m1] not found'


@pytest.mark.parametrize('query', ['limit=-1', 'limit=abc',
                                   'changes-since=yesterday'])
def test_index_bad_query(client, query):
    assert client.request(SERVERS + '?' + query).status_int == 400


# ---- update ----------------------------------------------------------------

def test_update(client):
    resp = client.request(ONE, method='PUT', body={'server': {
        'name': 'renamed', 'accessIPv4': '4.3.2.1'}})
    assert resp.status_int == 200
    args = client.compute_api.update_instance.call_args[0]
    assert args[2] == {'display_name': 'renamed',
                       'access_ip_v4': '4.3.2.1'}
    # Before 2.75 the answer has none of the v2.0 extension attributes.
    assert set(resp.json['server']) == {
        'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata',
        'hostId', 'image', 'flavor', 'created', 'updated', 'addresses',
        'accessIPv4', 'accessIPv6', 'links', 'OS-DCF:diskConfig',
        'progress'}


def test_update_description_2_19(client):
    resp = client.request(ONE, method='PUT', version='2.19',
                          body={'server': {'description': None}})
    assert resp.status_int == 200
    assert client.compute_api.update_instance.call_args[0][2] == {
        'display_description': None}
    assert 'description' in resp.json['server']


@pytest.mark.parametrize('version, body', [
    ('2.1', {'server': {'description': 'd'}}),
    ('2.1', {'server': {'name': ' x'}}),
    ('2.1', {'name': 'x'}),
])
def test_update_invalid(client, version, body):
    resp = client.request(ONE, method='PUT', version=version, body=body)
    assert resp.status_int == 400
    assert not client.compute_api.update_instance.called


def test_update_not_found(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = client.request(ONE, method='PUT', body={'server': {'name': 'x'}})
    assert resp.status_int == 404


# ---- delete ----------------------------------------------------------------

def test_delete(client):
    resp = client.request(ONE, method='DELETE')
    assert resp.status_int == 204
    assert resp.body == b''
    client.compute_api.delete.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value)


def test_delete_not_found(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = client.request(ONE, method='DELETE')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Instance could not be found')


def test_delete_conflict(client):
    client.compute_api.delete.side_effect = exception.InstanceInvalidState(
        instance_uuid=fakes.SERVER, attr='task_state', state='deleting',
        method='delete')
    assert client.request(ONE, method='DELETE').status_int == 409


def test_delete_other_projects_server_forbidden_by_policy(client):
    client.compute_api.get.return_value = fakes.instance(project_id='other')
    assert client.request(ONE, method='DELETE').status_int == 403
    assert not client.compute_api.delete.called
