"""Microversions 2.48 to 2.100 of servers, flavors, key pairs and instance
actions, each checked just below and at the version that changes it,
through the whole app with the compute APIs mocked."""

import datetime
import types
from unittest import mock

import pytest

from nova_lite.api.openstack import api_version_request as avr
from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

SERVERS = '/v2.1/servers'
ONE = '/v2.1/servers/%s' % fakes.SERVER
ADMIN = 'admin:%s' % fakes.PROJECT
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
    api.get_request_specs.return_value = {}
    # NOTE: show lists the server's groups from 2.71 (a database query).
    with mock.patch.object(objects.InstanceGroupList,
                           'get_group_uuids_by_instances',
                           return_value={}):
        yield client


def _create(client, version, token=None, **server):
    body = {'server': dict({'name': 'new-server-test',
                            'imageRef': fakes.IMAGE, 'flavorRef': '1',
                            'networks': 'none'}, **server)}
    kwargs = {'token': token} if token else {}
    return client.request(SERVERS, method='POST', body=body,
                          version=version, **kwargs)


def _create_kwargs(client):
    return client.compute_api.create.call_args[1]


def _spec(zone=None, hints=None):
    spec = objects.RequestSpec(availability_zone=zone,
                               scheduler_hints=hints or {})
    return spec


# ---- versions ---------------------------------------------------------------

def test_maximum_is_2_100_and_latest_gets_it(client):
    assert avr.MAX_VERSION == '2.100'
    resp = client.request('/', token=None)
    assert resp.json['versions'][-1]['version'] == '2.100'
    resp = client.request('/v2.1/', version='latest')
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.100'
    assert client.request(SERVERS, version='2.101').status_int == 406


# ---- servers: create --------------------------------------------------------

def test_tags_at_create_from_2_52(client):
    assert _create(client, '2.51', tags=['a']).status_int == 400
    resp = _create(client, '2.52', tags=['a', 'b'])
    assert resp.status_int == 202
    assert _create_kwargs(client)['tags'] == ['a', 'b']
    too_many = ['t%d' % i for i in range(51)]
    assert _create(client, '2.52', tags=too_many).status_int == 400
    assert _create(client, '2.52', tags=['a/b']).status_int == 400


def test_personality_refused_from_2_57(client):
    files = [{'path': '/etc/motd', 'contents': 'aGk='}]
    assert _create(client, '2.56', personality=files).status_int == 202
    resp = _create(client, '2.57', personality=files)
    assert resp.status_int == 400
    assert 'personality' in resp.json['badRequest']['message']


def test_trusted_image_certificates_from_2_63(client):
    assert _create(client, '2.62',
                   trusted_image_certificates=None).status_int == 400
    assert _create(client, '2.63',
                   trusted_image_certificates=None).status_int == 202
    resp = _create(client, '2.63', trusted_image_certificates=['cert-1'])
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Image signature certificate validation is not supported.')
    assert 'trusted_image_certificates' not in client.request(
        ONE, version='2.62').json['server']
    assert client.request(ONE, version='2.63').json['server'][
        'trusted_image_certificates'] is None


def test_block_device_volume_type_from_2_67(client):
    bdm = [{'source_type': 'image', 'destination_type': 'local',
            'boot_index': 0, 'uuid': fakes.IMAGE, 'volume_type': 'fast'}]
    resp = _create(client, '2.66', block_device_mapping_v2=bdm)
    assert resp.status_int == 400
    assert 'volume_type' in resp.json['badRequest']['message']
    resp = _create(client, '2.67', block_device_mapping_v2=bdm)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Specifying a volume_type with destination_type=local is not '
        'supported.')
    bdm[0]['volume_type'] = None
    assert _create(client, '2.67',
                   block_device_mapping_v2=bdm).status_int == 202


def test_requested_destination_from_2_74(client):
    assert _create(client, '2.73', token=ADMIN,
                   host='compute1').status_int == 400
    # Admins only, as Nova's compute:servers:create:requested_destination.
    assert _create(client, '2.74', host='compute1').status_int == 403
    resp = _create(client, '2.74', token=ADMIN, host='compute1',
                   hypervisor_hostname='node1')
    assert resp.status_int == 202
    assert _create_kwargs(client)['requested_host'] == 'compute1'
    assert _create_kwargs(client)['requested_hypervisor_hostname'] == 'node1'
    resp = _create(client, '2.74', token=ADMIN, host='compute1',
                   availability_zone='nova:compute1')
    assert resp.status_int == 400


def test_unknown_requested_host_is_400(client):
    client.compute_api.create.side_effect = exception.ComputeHostNotFound(
        host='nowhere')
    resp = _create(client, '2.74', token=ADMIN, host='nowhere')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Compute host nowhere could not be found.')


def test_hostname_at_create_from_2_90_fqdn_from_2_94(client):
    assert _create(client, '2.89', hostname='web1').status_int == 400
    assert _create(client, '2.90', hostname='web1').status_int == 202
    assert _create_kwargs(client)['hostname'] == 'web1'
    for bad in ('-web', 'web_1', 'a' * 64, 'web.example.com'):
        assert _create(client, '2.90', hostname=bad).status_int == 400, bad
    assert _create(client, '2.94',
                   hostname='web.example.com').status_int == 202
    assert _create_kwargs(client)['hostname'] == 'web.example.com'
    assert _create(client, '2.94', hostname='a..b').status_int == 400
    assert _create(client, '2.94', hostname='a' * 256).status_int == 400


def test_hostname_with_several_servers_is_400(client):
    client.compute_api.create.side_effect = (
        exception.AmbiguousHostnameForMultipleInstances())
    resp = _create(client, '2.90', hostname='web1', max_count=2)
    assert resp.status_int == 400


# ---- servers: update --------------------------------------------------------

def test_hostname_at_update_from_2_90(client):
    body = {'server': {'hostname': 'web2'}}
    resp = client.request(ONE, method='PUT', body=body, version='2.89')
    assert resp.status_int == 400
    resp = client.request(ONE, method='PUT', body=body, version='2.90')
    assert resp.status_int == 200
    updates = client.compute_api.update_instance.call_args[0][2]
    assert updates == {'hostname': 'web2'}
    body = {'server': {'hostname': 'web2.example.com'}}
    assert client.request(ONE, method='PUT', body=body,
                          version='2.90').status_int == 400
    assert client.request(ONE, method='PUT', body=body,
                          version='2.94').status_int == 200


def test_update_answers_like_show_from_2_75(client):
    body = {'server': {'name': 'renamed'}}
    before = client.request(ONE, method='PUT', body=body, version='2.74')
    assert before.status_int == 200
    assert 'OS-EXT-STS:vm_state' not in before.json['server']
    assert 'key_name' not in before.json['server']
    after = client.request(ONE, method='PUT', body=body, version='2.75')
    shown = client.request(ONE, version='2.75')
    assert set(after.json['server']) == set(shown.json['server'])


# ---- servers: views ---------------------------------------------------------

def test_locked_reason_from_2_73(client):
    client.compute_api.get.return_value = fakes.instance(
        locked=True, locked_by='owner',
        system_metadata={'locked_reason': 'maintenance'})
    assert 'locked_reason' not in client.request(
        ONE, version='2.72').json['server']
    assert client.request(ONE, version='2.73').json['server'][
        'locked_reason'] == 'maintenance'


def test_hostname_visible_to_everyone_from_2_90(client):
    key = 'OS-EXT-SRV-ATTR:hostname'
    assert key not in client.request(ONE, version='2.89').json['server']
    server = client.request(ONE, version='2.90').json['server']
    assert server[key] == 'new-server-test'
    # The other extended attributes stay admin-only.
    assert 'OS-EXT-SRV-ATTR:host' not in server


def test_pinned_availability_zone_from_2_96(client):
    client.compute_api.get_request_specs.return_value = {
        fakes.SERVER: _spec(zone='az1')}
    assert 'pinned_availability_zone' not in client.request(
        ONE, version='2.95').json['server']
    assert client.request(ONE, version='2.96').json['server'][
        'pinned_availability_zone'] == 'az1'
    client.compute_api.get_request_specs.return_value = {}
    assert client.request(ONE, version='2.96').json['server'][
        'pinned_availability_zone'] is None


def test_detail_loads_request_specs_once_per_page(client):
    other = '11111111-2222-3333-4444-555555555555'
    client.compute_api.get_all.return_value = [
        fakes.instance(), fakes.instance(uuid=other)]
    client.compute_api.get_request_specs.return_value = {
        fakes.SERVER: _spec(zone='az1', hints={'group': ['g1']})}
    resp = client.request(SERVERS + '/detail', version='2.95')
    assert 'pinned_availability_zone' not in resp.json['servers'][0]
    assert not client.compute_api.get_request_specs.called
    resp = client.request(SERVERS + '/detail', version='2.100')
    assert resp.status_int == 200
    client.compute_api.get_request_specs.assert_called_once_with(
        mock.ANY, [fakes.SERVER, other])
    first, second = resp.json['servers']
    assert first['pinned_availability_zone'] == 'az1'
    assert first['scheduler_hints'] == {'group': ['g1']}
    assert second['pinned_availability_zone'] is None
    assert second['scheduler_hints'] == {}


def test_image_properties_from_2_98(client):
    client.compute_api.get.return_value = fakes.instance(system_metadata={
        'image_min_ram': '0', 'image_disk_format': 'qcow2',
        'image_base_image_ref': fakes.IMAGE,
        'image_architecture': 'x86_64', 'image_hw_disk_bus': 'virtio',
        'locked_reason': 'x'})
    image = client.request(ONE, version='2.97').json['server']['image']
    assert 'properties' not in image
    image = client.request(ONE, version='2.98').json['server']['image']
    assert image['properties'] == {'architecture': 'x86_64',
                                   'hw_disk_bus': 'virtio'}


def test_scheduler_hints_from_2_100(client):
    client.compute_api.get_request_specs.return_value = {
        fakes.SERVER: _spec(hints={'same_host': [NET]})}
    assert 'scheduler_hints' not in client.request(
        ONE, version='2.99').json['server']
    assert client.request(ONE, version='2.100').json['server'][
        'scheduler_hints'] == {'same_host': [NET]}


# ---- flavors ----------------------------------------------------------------

@pytest.fixture
def flavor_objects():
    flavor = fakes.flavor(description='small one',
                          extra_specs={'hw:cpu_policy': 'shared'})
    with mock.patch.object(objects, 'Flavor') as flavor_cls, \
            mock.patch.object(objects, 'FlavorList') as flavor_list:
        flavor_list.get_all.return_value = [flavor]
        flavor_cls.get_by_flavor_id.return_value = flavor
        flavor_cls.return_value = flavor
        flavor.create = mock.Mock()
        yield flavor_cls, flavor


def test_flavor_description_from_2_55(client, flavor_objects):
    assert 'description' not in client.request(
        '/v2.1/flavors/1', version='2.54').json['flavor']
    assert client.request('/v2.1/flavors/1', version='2.55').json[
        'flavor']['description'] == 'small one'
    brief = client.request('/v2.1/flavors', version='2.55').json
    assert brief['flavors'][0]['description'] == 'small one'


def test_flavor_update_description_from_2_55(client, flavor_objects):
    _cls, flavor = flavor_objects
    flavor.save = mock.Mock()
    body = {'flavor': {'description': 'new words'}}
    resp = client.admin('/v2.1/flavors/1', method='PUT', body=body,
                        version='2.54')
    assert resp.status_int == 404
    resp = client.request('/v2.1/flavors/1', method='PUT', body=body,
                          version='2.55')
    assert resp.status_int == 403
    resp = client.admin('/v2.1/flavors/1', method='PUT', body=body,
                        version='2.55')
    assert resp.status_int == 200
    assert resp.json['flavor']['description'] == 'new words'
    flavor.save.assert_called_once_with()
    resp = client.admin('/v2.1/flavors/1', method='PUT',
                        body={'flavor': {'name': 'x'}}, version='2.55')
    assert resp.status_int == 400


def test_flavor_create_description_from_2_55(client, flavor_objects):
    flavor_cls, _flavor = flavor_objects
    body = {'flavor': {'name': 'f', 'ram': 512, 'vcpus': 1, 'disk': 1,
                       'description': 'd'}}
    assert client.admin('/v2.1/flavors', method='POST', body=body,
                        version='2.54').status_int == 400
    assert client.admin('/v2.1/flavors', method='POST', body=body,
                        version='2.55').status_int == 200
    assert flavor_cls.call_args[1]['description'] == 'd'


def test_flavor_extra_specs_from_2_61(client, flavor_objects):
    for path in ('/v2.1/flavors/1', '/v2.1/flavors/detail'):
        body = client.request(path, version='2.60').json
        flavor = body.get('flavor') or body['flavors'][0]
        assert 'extra_specs' not in flavor
        body = client.request(path, version='2.61').json
        flavor = body.get('flavor') or body['flavors'][0]
        assert flavor['extra_specs'] == {'hw:cpu_policy': 'shared'}


def test_flavor_swap_zero_from_2_75(client, flavor_objects):
    assert client.request('/v2.1/flavors/1', version='2.74').json[
        'flavor']['swap'] == ''
    assert client.request('/v2.1/flavors/1', version='2.75').json[
        'flavor']['swap'] == 0


def test_flavor_list_unknown_parameter_from_2_75(client, flavor_objects):
    assert client.request('/v2.1/flavors?foo=1',
                          version='2.74').status_int == 200
    assert client.request('/v2.1/flavors?foo=1',
                          version='2.75').status_int == 400


# ---- key pairs --------------------------------------------------------------

@pytest.fixture
def kp_client(client):
    api = client.keypair_api
    api.import_key_pair.return_value = fakes.keypair()
    api.create_key_pair.return_value = (fakes.keypair(), 'PRIVATE')
    api.get_key_pairs.return_value = [fakes.keypair()]
    return client


def test_keypair_import_only_from_2_92(kp_client):
    body = {'keypair': {'name': 'kp1'}}
    resp = kp_client.request('/v2.1/os-keypairs', method='POST', body=body,
                             version='2.91')
    assert resp.status_int == 201
    assert resp.json['keypair']['private_key'] == 'PRIVATE'
    resp = kp_client.request('/v2.1/os-keypairs', method='POST', body=body,
                             version='2.92')
    assert resp.status_int == 400
    body['keypair']['public_key'] = 'ssh-rsa AAAA test'
    resp = kp_client.request('/v2.1/os-keypairs', method='POST', body=body,
                             version='2.92')
    assert resp.status_int == 201
    assert resp.json['keypair']['type'] == 'ssh'
    assert 'private_key' not in resp.json['keypair']


def test_keypair_name_characters_from_2_92(kp_client):
    body = {'keypair': {'name': 'me@host.example',
                        'public_key': 'ssh-rsa AAAA test'}}
    resp = kp_client.request('/v2.1/os-keypairs', method='POST', body=body,
                             version='2.91')
    assert resp.status_int == 400
    assert 'unsafe characters' in resp.json['badRequest']['message']
    resp = kp_client.request('/v2.1/os-keypairs', method='POST', body=body,
                             version='2.92')
    assert resp.status_int == 201
    body['keypair']['name'] = 'bad/name'
    assert kp_client.request('/v2.1/os-keypairs', method='POST', body=body,
                             version='2.92').status_int == 400


def test_keypair_list_unknown_parameter_from_2_75(kp_client):
    assert kp_client.request('/v2.1/os-keypairs?foo=1',
                             version='2.74').status_int == 200
    assert kp_client.request('/v2.1/os-keypairs?foo=1',
                             version='2.75').status_int == 400


# ---- instance actions -------------------------------------------------------

ACTIONS = ONE + '/os-instance-actions'
REQ = 'req-0d819d5c-1527-4669-bdf0-ffad31b5105b'
STARTED = datetime.datetime(2018, 4, 25, 1, 26, 36, 341290)
CHANGED = datetime.datetime(2018, 4, 25, 1, 26, 36, 790544)


@pytest.fixture
def ia_client(client):
    action = types.SimpleNamespace(
        id=7, action='stop', instance_uuid=fakes.SERVER, request_id=REQ,
        user_id=fakes.USER, project_id=fakes.PROJECT, start_time=STARTED,
        finish_time=None, message=None, created_at=STARTED,
        updated_at=CHANGED)
    event = types.SimpleNamespace(
        id=1, action_id=7, event='compute_stop_instance',
        start_time=STARTED, finish_time=CHANGED, result='Error',
        traceback='Traceback...', host='compute1', details='it broke')
    client.action_api.actions_get.return_value = [action]
    client.action_api.action_get_by_request_id.return_value = action
    client.action_api.action_events_get.return_value = [event]
    return client


def test_actions_updated_at_and_paging_from_2_58(ia_client):
    resp = ia_client.request(ACTIONS + '?limit=1', version='2.57')
    assert 'updated_at' not in resp.json['instanceActions'][0]
    ia_client.action_api.actions_get.assert_called_with(mock.ANY, mock.ANY)
    resp = ia_client.request(ACTIONS + '?limit=1', version='2.58')
    assert resp.status_int == 200
    assert resp.json['instanceActions'][0]['updated_at'] == (
        '2018-04-25T01:26:36.790544')
    kwargs = ia_client.action_api.actions_get.call_args[1]
    assert kwargs['limit'] == 1 and kwargs['marker'] is None
    assert resp.json['links'][0]['rel'] == 'next'
    assert 'marker=%s' % REQ in resp.json['links'][0]['href']


def test_actions_changes_filters(ia_client):
    since = '2018-04-25T01:00:00Z'
    assert ia_client.request(ACTIONS + '?changes-since=%s' % since,
                             version='2.58').status_int == 200
    filters = ia_client.action_api.actions_get.call_args[1]['filters']
    assert filters['changes-since'] == datetime.datetime(2018, 4, 25, 1)
    assert ia_client.request(ACTIONS + '?changes-before=%s' % since,
                             version='2.65').status_int == 400
    assert ia_client.request(ACTIONS + '?changes-before=%s' % since,
                             version='2.66').status_int == 200
    resp = ia_client.request(
        ACTIONS + '?changes-since=2018-04-26T00:00:00Z&changes-before=%s'
        % since, version='2.66')
    assert resp.status_int == 400


def test_actions_unknown_marker_is_400(ia_client):
    ia_client.action_api.actions_get.side_effect = (
        exception.MarkerNotFound(marker='nope'))
    resp = ia_client.request(ACTIONS + '?marker=nope', version='2.58')
    assert resp.status_int == 400


def test_event_host_from_2_62_details_from_2_84(ia_client):
    event = ia_client.request(ACTIONS + '/' + REQ, version='2.61').json[
        'instanceAction']['events'][0]
    assert 'hostId' not in event and 'host' not in event
    event = ia_client.request(ACTIONS + '/' + REQ, version='2.62').json[
        'instanceAction']['events'][0]
    assert len(event['hostId']) == 56
    assert 'host' not in event   # the events policy is admin-only
    event = ia_client.admin(ACTIONS + '/' + REQ, version='2.62').json[
        'instanceAction']['events'][0]
    assert event['host'] == 'compute1'
    assert 'details' not in event
    event = ia_client.request(ACTIONS + '/' + REQ, version='2.84').json[
        'instanceAction']['events'][0]
    assert event['details'] == 'it broke'


# ---- flavor extra specs: validation from 2.86 ------------------------------

@pytest.mark.parametrize('specs', [
    {'hw:cpu_policy': 'fastest'},
    {'resources:VCPU': 'two'},
    {'resources:vcpu': '2'},
    {'trait:HW_CPU_X86_AVX': 'wanted'},
    {'hw:numa_nodes': '-1'},
])
def test_extra_spec_values_checked_from_2_86(client, flavor_objects,
                                             specs):
    _cls, flavor = flavor_objects
    flavor.update_extra_specs = mock.Mock()
    path = '/v2.1/flavors/1/os-extra_specs'
    body = {'extra_specs': specs}
    assert client.admin(path, method='POST', body=body,
                        version='2.85').status_int == 200
    resp = client.admin(path, method='POST', body=body, version='2.86')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'].startswith(
        'Validation failed; ')
    key, value = next(iter(specs.items()))
    resp = client.admin('%s/%s' % (path, key), method='PUT',
                        body={key: value}, version='2.86')
    assert resp.status_int == 400


def test_valid_and_unknown_extra_specs_pass_at_2_86(client, flavor_objects):
    _cls, flavor = flavor_objects
    flavor.update_extra_specs = mock.Mock()
    specs = {'hw:cpu_policy': 'dedicated', 'resources:VCPU': '2',
             'resources1:CUSTOM_GPU': '1', 'trait:HW_CPU_X86_AVX': 'required',
             'hw:mem_page_size': '2MB', 'quota:cpu_shares': '1024',
             'hw:some_future_knob': 'x', 'mycompany:anything': 'goes'}
    resp = client.admin('/v2.1/flavors/1/os-extra_specs', method='POST',
                        body={'extra_specs': specs}, version='2.86')
    assert resp.status_int == 200
    flavor.update_extra_specs.assert_called_once_with(specs)


# ---- response schemas follow the versions ----------------------------------

def _schema_at(responses, version):
    wanted = avr.APIVersionRequest(version)
    [schema] = [s for s, low, high in responses
                if wanted.matches(avr.APIVersionRequest(low),
                                  avr.APIVersionRequest(high)
                                  if high else None)]
    return schema


@pytest.mark.parametrize('key, version', [
    ('trusted_image_certificates', '2.63'), ('locked_reason', '2.73'),
    ('pinned_availability_zone', '2.96'), ('scheduler_hints', '2.100')])
def test_server_schemas_add_keys_at_their_version(key, version):
    from nova_lite.api.openstack.compute.schemas import servers as schema
    major, minor = version.split('.')
    below = '%s.%d' % (major, int(minor) - 1)
    for responses in (schema.show_responses, schema.update_responses,
                      schema.detail_responses):
        at = _schema_at(responses, version)
        before = _schema_at(responses, below)
        item = at['properties'].get('server') or at['properties'][
            'servers']['items']
        old = before['properties'].get('server') or before['properties'][
            'servers']['items']
        assert key in item['required']
        assert key not in old['properties']
        assert old['additionalProperties'] is False
