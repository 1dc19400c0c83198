"""API gaps tempest found, part A, over HTTP against nova-lite-all (fake
driver): the rebuild answer, actions Nova has no body schema for,
accessIPv6, the version documents and the legacy /v2, x509 key pairs,
personality quota, security_groups, /extensions, os-hosts and
os-quota-class-sets; happy paths, 4xx in Nova's format, policies and
microversion boundaries.

NOTE: API logic, so the shared ``aio_cloud``. What a test changes for the
whole cloud (the host's status, the default quota class) it puts back.
"""

import base64
import re

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import process as process_mod

TIMEOUT = 60
HOST = 'aio'
# NOTE: a project of its own, so the network it boots on is seen by no
# other test of the shared cloud.
NET_PROJECT = 'gapsa'
NET_CIDR = '10.213.0.0/28'


def _at(client, version):
    """``client`` speaking microversion ``version``."""
    return client_mod.ApiClient(client.endpoint, token=client.token,
                                project=client.project,
                                microversion=version)


def _fault(response, key, code):
    assert response.status_code == code, response.text
    body = response.json()
    assert list(body) == [key], body
    assert body[key]['code'] == code
    return body[key]['message']


def _root(cloud):
    return cloud.client.endpoint.rsplit('/v2.1', 1)[0]


@pytest.fixture(scope='module')
def server(aio_cloud):
    """An ACTIVE server of the demo project (no ports), shared."""
    client = aio_cloud.client
    server_id = client.create_server('gaps-a')['server']['id']
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    yield server_id
    client.delete_server(server_id, expected=(204, 404))
    client.wait_for_deleted(server_id, timeout=TIMEOUT)


@pytest.fixture
def fresh_server(aio_cloud):
    """An ACTIVE server for one test, deleted after it."""
    with client_mod.active_server(aio_cloud.client, 'gaps-a-1',
                                  TIMEOUT) as server_id:
        yield server_id


# ---- 1. rebuild answers key_name (2.54) and user_data (2.57) ---------------

@pytest.mark.parametrize('version, key_name, user_data', [
    ('2.53', False, False),
    ('2.54', True, False),
    ('2.56', True, False),
    ('2.57', True, True),
    ('2.75', True, True),
])
def test_rebuild_answer_by_microversion(aio_cloud, server, version,
                                        key_name, user_data):
    client = _at(aio_cloud.client, version)
    body = {'imageRef': client_mod.TEST_IMAGE}
    if user_data:
        body['user_data'] = base64.b64encode(b'#!/bin/sh\n').decode()
    shown = client_mod.act(client, server, {'rebuild': body}).json()[
        'server']
    assert ('key_name' in shown) is key_name
    if key_name:
        assert shown['key_name'] is None
    assert ('user_data' in shown) is user_data
    if user_data:
        assert shown['user_data'] == body['user_data']
    client_mod.wait_settled(aio_cloud.client, server, 'ACTIVE', TIMEOUT)


# ---- 2. actions without a body schema take any value -----------------------

def _settled_in(client, server_id, statuses):
    def settled():
        shown = client.get_server(server_id)
        return (shown['status'] in statuses and
                shown['OS-EXT-STS:task_state'] is None) and shown
    return client_mod.wait_for(settled, TIMEOUT, message='%s in %s'
                               % (server_id, statuses))


def test_actions_without_schema_accept_empty_objects(aio_cloud,
                                                     fresh_server):
    client = aio_cloud.client
    for body, status in (({'pause': {}}, 'PAUSED'),
                         ({'unpause': {}}, 'ACTIVE'),
                         ({'suspend': {}}, 'SUSPENDED'),
                         ({'resume': {}}, 'ACTIVE'),
                         ({'os-stop': {}}, 'SHUTOFF'),
                         ({'os-start': {}}, 'ACTIVE')):
        client_mod.act(client, fresh_server, body)
        _settled_in(client, fresh_server, (status,))
    client_mod.act(client, fresh_server, {'lock': {}})
    client_mod.act(client, fresh_server, {'unlock': {}})
    # 2.73: unlock with {} is still accepted.
    client_mod.act(_at(client, '2.73'), fresh_server, {'unlock': {}})
    client_mod.act(client, fresh_server, {'shelve': {}})
    shown = _settled_in(client, fresh_server,
                        ('SHELVED', 'SHELVED_OFFLOADED'))
    # NOTE: offloaded at once where [DEFAULT] shelved_offload_time is 0;
    # either way the body is not what is refused.
    offload = 202 if shown['status'] == 'SHELVED' else 409
    client_mod.act(aio_cloud.admin, fresh_server, {'shelveOffload': {}},
                   expected=offload)
    _settled_in(client, fresh_server, ('SHELVED_OFFLOADED',))
    # Below 2.77 unshelve has no schema either.
    client_mod.act(_at(client, '2.76'), fresh_server,
                   {'unshelve': {'availability_zone': 'ignored'}})
    _settled_in(client, fresh_server, ('ACTIVE',))


@pytest.mark.parametrize('body', [{'restore': {}}, {'restore': None}])
def test_restore_body_is_not_checked(aio_cloud, server, body):
    # NOTE: the server is not soft-deleted: 409 (its state), not 400.
    response = client_mod.act(aio_cloud.client, server, body,
                              expected=409)
    _fault(response, 'conflictingRequest', 409)


def test_unrescue_body_is_not_checked(aio_cloud, server):
    # NOTE: the server is not rescued: 409 (its state), not 400.
    _fault(client_mod.act(aio_cloud.client, server, {'unrescue': {}},
                          expected=409), 'conflictingRequest', 409)


def test_force_delete_body_is_not_checked(aio_cloud):
    # NOTE: as Nova, forceDelete deletes a server in any state.
    client = aio_cloud.client
    server_id = client.create_server('gaps-a-force')['server']['id']
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    client_mod.act(client, server_id, {'forceDelete': {}})
    client.wait_for_deleted(server_id, timeout=TIMEOUT)


def test_action_with_extra_key_is_still_400(aio_cloud, server):
    response = client_mod.act(aio_cloud.client, server,
                              {'shelve': {}, 'other': 1}, expected=400)
    _fault(response, 'badRequest', 400)


# ---- 3. accessIPv6 in its compact form -------------------------------------

def test_access_ipv6_normalised_on_create_update_rebuild(aio_cloud):
    client = aio_cloud.client
    created = client.create_server(
        'gaps-a-ipv6', accessIPv6='0:0:0:0:0:BABE:DC0C:1602')
    server_id = created['server']['id']
    try:
        client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
        assert client.get_server(server_id)['accessIPv6'] == (
            '::babe:dc0c:1602')
        updated = client.request(
            'PUT', '/servers/%s' % server_id,
            json={'server': {'accessIPv6': '2001:0db8:0000:0000:0000:0000:'
                                           '0000:0001'}},
            expected=200).json()['server']
        assert updated['accessIPv6'] == '2001:db8::1'
        rebuilt = client_mod.act(client, server_id, {'rebuild': {
            'imageRef': client_mod.TEST_IMAGE,
            'accessIPv6': 'fe80:0:0:0:0:0:0:00aa'}}).json()['server']
        assert rebuilt['accessIPv6'] == 'fe80::aa'
        client_mod.wait_settled(client, server_id, 'ACTIVE', TIMEOUT)
        assert client.get_server(server_id)['accessIPv6'] == 'fe80::aa'
        response = client.request(
            'PUT', '/servers/%s' % server_id,
            json={'server': {'accessIPv6': 'not-an-address'}}, expected=400)
        _fault(response, 'badRequest', 400)
    finally:
        client.delete_server(server_id, expected=(204, 404))
        client.wait_for_deleted(server_id, timeout=TIMEOUT)


# ---- 4. version documents and the legacy /v2 -------------------------------

def test_root_lists_v20_then_v21(aio_cloud):
    root = _root(aio_cloud)
    versions = requests.get(root + '/', timeout=10).json()['versions']
    assert [(v['id'], v['status']) for v in versions] == [
        ('v2.0', 'SUPPORTED'), ('v2.1', 'CURRENT')]
    assert (versions[0]['version'], versions[0]['min_version']) == ('', '')
    assert versions[0]['links'] == [{'rel': 'self', 'href': root + '/v2/'}]
    assert versions[1]['links'] == [{'rel': 'self',
                                     'href': root + '/v2.1/'}]


@pytest.mark.parametrize('path, version_id', [
    ('/v2', 'v2.0'), ('/v2/', 'v2.0'), ('/v2.1', 'v2.1'), ('/v2.1/', 'v2.1'),
])
def test_version_documents_need_no_token(aio_cloud, path, version_id):
    response = requests.get(_root(aio_cloud) + path, timeout=10)
    assert response.status_code == 200, response.text
    document = response.json()['version']
    assert document['id'] == version_id
    assert document['links'][0]['rel'] == 'self'
    assert document['media-types'][0]['base'] == 'application/json'


def test_legacy_v2_serves_the_base_version(aio_cloud, server):
    legacy = client_mod.ApiClient(_root(aio_cloud) + '/v2',
                                  microversion='2.60')
    response = legacy.get('/servers/%s' % server, expected=200)
    assert 'OpenStack-API-Version' not in response.headers
    shown = response.json()['server']
    # Base version: no 2.9 "locked", no 2.19 "description".
    assert 'locked' not in shown and 'description' not in shown
    assert shown['links'][0]['href'].startswith(_root(aio_cloud) + '/v2/')
    anonymous = client_mod.ApiClient(_root(aio_cloud) + '/v2',
                                     token='', microversion=None)
    anonymous.get('/servers', headers={'X-Auth-Token': None},
                  expected=401)


# ---- 5. x509 key pairs generated below 2.92 --------------------------------

@pytest.mark.parametrize('version', ['2.2', '2.91'])
def test_x509_keypair_generated(aio_cloud, version):
    client = _at(aio_cloud.client, version)
    name = 'gaps-a-x509-%s' % version.replace('.', '-')
    created = client.post('/os-keypairs', json={'keypair': {
        'name': name, 'type': 'x509'}}, expected=201).json()['keypair']
    try:
        assert created['type'] == 'x509'
        assert created['public_key'].startswith(
            '-----BEGIN CERTIFICATE-----')
        assert re.match(r'^([0-9a-f]{2}:){19}[0-9a-f]{2}$',
                        created['fingerprint'])
        # A PKCS#12 bundle, base64: it starts with an ASN.1 SEQUENCE.
        assert base64.b64decode(created['private_key'])[:1] == b'\x30'
        shown = client.get('/os-keypairs/%s' % name,
                           expected=200).json()['keypair']
        assert shown['public_key'] == created['public_key']
    finally:
        client.delete('/os-keypairs/%s' % name, expected=204)


def test_keypair_generation_refused_from_2_92(aio_cloud):
    response = _at(aio_cloud.client, '2.92').post(
        '/os-keypairs', json={'keypair': {'name': 'gaps-a-x', 'type':
                                          'x509'}}, expected=400)
    _fault(response, 'badRequest', 400)


# ---- 6. personality within the injected file quota -------------------------

def _personality(count, path_length=10, content=b'hi'):
    return [{'path': '/' + ('p%d' % i).ljust(path_length - 1, 'x'),
             'contents': base64.b64encode(content).decode()}
            for i in range(count)]


@pytest.mark.parametrize('files, message', [
    (_personality(6), 'Personality file limit exceeded'),
    (_personality(1, path_length=256),
     'Personality file path exceeds maximum 255'),
    (_personality(1, content=b'x' * 7681),
     'Personality file content exceeds maximum 10240'),
])
def test_personality_over_quota_is_403(aio_cloud, files, message):
    client = _at(aio_cloud.client, '2.56')
    response = client.post('/servers', json={'server': {
        'name': 'gaps-a-files', 'imageRef': client_mod.TEST_IMAGE,
        'flavorRef': '1', 'networks': 'none', 'personality': files}},
        expected=403)
    assert _fault(response, 'forbidden', 403) == message


def test_personality_within_quota_and_gone_at_2_57(aio_cloud):
    client = _at(aio_cloud.client, '2.56')
    server_id = client.create_server('gaps-a-files',
                                     personality=_personality(5))[
        'server']['id']
    client.delete_server(server_id)
    client.wait_for_deleted(server_id, timeout=TIMEOUT)
    response = _at(aio_cloud.client, '2.57').post('/servers', json={
        'server': {'name': 'gaps-a-files', 'imageRef': client_mod.TEST_IMAGE,
                   'flavorRef': '1', 'networks': 'none',
                   'personality': _personality(1)}}, expected=400)
    _fault(response, 'badRequest', 400)


def test_rebuild_personality_over_quota_is_403(aio_cloud, server):
    response = client_mod.act(
        _at(aio_cloud.client, '2.56'), server,
        {'rebuild': {'imageRef': client_mod.TEST_IMAGE,
                     'personality': _personality(6)}}, expected=403)
    assert _fault(response, 'forbidden', 403) == (
        'Personality file limit exceeded')


# ---- 7. security_groups ----------------------------------------------------

@pytest.fixture(scope='module')
def project_net(aio_cloud):
    out = process_mod.run_manage(
        [aio_cloud.conf_file], 'network', 'create', '--name', 'gaps-a-net',
        '--cidr', NET_CIDR, '--project-id', NET_PROJECT)
    return re.search(r'Created network ([0-9a-f-]{36})', out).group(1)


def test_security_groups_of_servers_with_and_without_ports(
        aio_cloud, server, project_net):
    client = aio_cloud.client.as_user('demo', NET_PROJECT)
    created = client.create_server(
        'gaps-a-sg', networks=[{'uuid': project_net}],
        security_groups=[{'name': 'default'}])['server']
    assert created['security_groups'] == [{'name': 'default'}]
    try:
        client.wait_for_status(created['id'], 'ACTIVE', timeout=TIMEOUT)
        assert client.get_server(created['id'])['security_groups'] == [
            {'name': 'default'}]
        listed = {s['id']: s for s in client.list_servers(detail=True)[0]}
        assert listed[created['id']]['security_groups'] == [
            {'name': 'default'}]
    finally:
        client.delete_server(created['id'], expected=(204, 404))
        client.wait_for_deleted(created['id'], timeout=TIMEOUT)
    # NOTE: no ports, no groups: Nova leaves the key out.
    assert 'security_groups' not in aio_cloud.client.get_server(server)


def test_remove_and_add_security_group(aio_cloud, server, project_net):
    """As tempest's test_remove_server_all_security_groups: removing the
    last group takes the key away; adding it back restores it."""
    client = aio_cloud.client.as_user('demo', NET_PROJECT)
    server_id = client.create_server(
        'gaps-a-sg-rm', networks=[{'uuid': project_net}])['server']['id']
    action = '/servers/%s/action' % server_id
    try:
        client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
        listed = client.get('/servers/%s/os-security-groups' % server_id,
                            expected=200).json()['security_groups']
        assert [(g['name'], g['tenant_id'], g['rules']) for g in listed] == [
            ('default', NET_PROJECT, [])]

        client.post(action, json={'removeSecurityGroup': {
            'name': 'default'}}, expected=202)
        assert 'security_groups' not in client.get_server(server_id)
        assert client.get('/servers/%s/os-security-groups' % server_id,
                          expected=200).json() == {'security_groups': []}
        message = _fault(client.post(action, json={'removeSecurityGroup': {
            'name': 'default'}}, expected=400), 'badRequest', 400)
        assert 'not associated with the instance' in message

        client.post(action, json={'addSecurityGroup': {'name': 'default'}},
                    expected=202)
        assert client.get_server(server_id)['security_groups'] == [
            {'name': 'default'}]
        message = _fault(client.post(action, json={'addSecurityGroup': {
            'name': 'default'}}, expected=400), 'badRequest', 400)
        assert 'already associated' in message
        assert _fault(client.post(action, json={'addSecurityGroup': {
            'name': 'web'}}, expected=404), 'itemNotFound', 404) == (
            'Security group web not found.')
        _fault(client.post(action, json={'addSecurityGroup': {}},
                           expected=400), 'badRequest', 400)
        # NOTE: another project's member sees no such server.
        other = aio_cloud.client.as_user('demo', 'gaps-a-other')
        other.post(action, json={'removeSecurityGroup': {
            'name': 'default'}}, expected=404)
    finally:
        client.delete_server(server_id, expected=(204, 404))
        client.wait_for_deleted(server_id, timeout=TIMEOUT)
    # NOTE: a server without ports has no group to join.
    _fault(aio_cloud.client.post('/servers/%s/action' % server, json={
        'addSecurityGroup': {'name': 'default'}}, expected=400),
        'badRequest', 400)


def test_unknown_security_group_is_400(aio_cloud):
    response = aio_cloud.client.post('/servers', json={'server': {
        'name': 'gaps-a-sg', 'imageRef': client_mod.TEST_IMAGE,
        'flavorRef': '1', 'networks': 'none',
        'security_groups': [{'name': 'web'}]}}, expected=400)
    assert _fault(response, 'badRequest', 400) == (
        'Security group web not found.')


# ---- 8. /extensions --------------------------------------------------------

def test_extensions_list_and_show(aio_cloud):
    listed = aio_cloud.client.get('/extensions', expected=200).json()[
        'extensions']
    aliases = [ext['alias'] for ext in listed]
    assert {'os-hosts', 'os-quota-class-sets', 'os-keypairs',
            'os-shelve'} <= set(aliases)
    assert len(aliases) == len(set(aliases))
    shown = aio_cloud.client.get('/extensions/os-hosts',
                                 expected=200).json()['extension']
    assert shown == next(ext for ext in listed if ext['alias'] == 'os-hosts')
    assert set(shown) == {'alias', 'description', 'links', 'name',
                          'namespace', 'updated'}
    _fault(aio_cloud.client.get('/extensions/os-cloudpipe', expected=404),
           'itemNotFound', 404)


# ---- 9. os-hosts (below 2.43) ----------------------------------------------

def _hosts(client):
    """``client`` at the last microversion of os-hosts."""
    return _at(client, '2.42')


def test_hosts_list_and_zone_filter(aio_cloud):
    admin = _hosts(aio_cloud.admin)
    hosts = admin.get('/os-hosts', expected=200).json()['hosts']
    assert {'host_name': HOST, 'service': 'compute', 'zone': 'nova'} in hosts
    assert all(h['zone'] == 'internal' for h in hosts
               if h['service'] != 'compute')
    zoned = admin.get('/os-hosts', params={'zone': 'nova'},
                      expected=200).json()['hosts']
    assert zoned and all(h['zone'] == 'nova' for h in zoned)
    assert admin.get('/os-hosts', params={'zone': 'nowhere'},
                     expected=200).json()['hosts'] == []


def test_host_show_resources(aio_cloud, server):
    admin = _hosts(aio_cloud.admin)
    shown = admin.get('/os-hosts/%s' % HOST, expected=200).json()['host']
    by_project = {r['resource']['project']: r['resource'] for r in shown}
    assert [r['resource']['project'] for r in shown[:3]] == [
        '(total)', '(used_now)', '(used_max)']
    assert by_project['(total)']['cpu'] > 0
    demo = by_project['demo']
    assert demo['host'] == HOST
    assert demo['cpu'] >= 1 and demo['memory_mb'] >= 1
    assert by_project['(used_max)']['cpu'] >= demo['cpu']
    _fault(admin.get('/os-hosts/nowhere', expected=404), 'itemNotFound',
           404)


def test_host_update_status_is_the_compute_service(aio_cloud):
    admin = _hosts(aio_cloud.admin)
    try:
        answer = admin.request('PUT', '/os-hosts/%s' % HOST, json={
            'status': 'disable'}, expected=200).json()
        assert answer == {'host': HOST, 'status': 'disabled'}
        services = admin.get('/os-services', params={
            'binary': 'nova-compute', 'host': HOST},
            expected=200).json()['services']
        assert services[0]['status'] == 'disabled'
    finally:
        answer = admin.request('PUT', '/os-hosts/%s' % HOST, json={
            'status': 'Enable'}, expected=200).json()
    assert answer == {'host': HOST, 'status': 'enabled'}


@pytest.mark.parametrize('body, status', [
    ({}, 400),
    ({'status': 'invalid'}, 400),
    ({'status': 'enable', 'param': 'x'}, 400),
    ({'maintenance_mode': 'invalid'}, 400),
    ({'maintenance_mode': 'enable'}, 501),
])
def test_host_update_refusals(aio_cloud, body, status):
    response = _hosts(aio_cloud.admin).request(
        'PUT', '/os-hosts/%s' % HOST, json=body, expected=status)
    _fault(response, client_mod.FAULT_NAMES[status], status)


@pytest.mark.parametrize('action', ['startup', 'shutdown', 'reboot'])
def test_host_power_actions(aio_cloud, action):
    admin = _hosts(aio_cloud.admin)
    _fault(admin.get('/os-hosts/%s/%s' % (HOST, action), expected=501),
           'notImplemented', 501)
    _fault(admin.get('/os-hosts/nowhere/%s' % action, expected=404),
           'itemNotFound', 404)
    _fault(_hosts(aio_cloud.client).get(
        '/os-hosts/%s/%s' % (HOST, action), expected=403), 'forbidden', 403)


def test_hosts_are_admin_only(aio_cloud):
    client = _hosts(aio_cloud.client)
    _fault(client.get('/os-hosts', expected=403), 'forbidden', 403)
    _fault(client.get('/os-hosts/%s' % HOST, expected=403), 'forbidden', 403)
    _fault(client.request('PUT', '/os-hosts/nowhere', json={
        'status': 'enable'}, expected=403), 'forbidden', 403)
    _fault(_hosts(aio_cloud.admin).request(
        'PUT', '/os-hosts/nowhere', json={'status': 'enable'},
        expected=404), 'itemNotFound', 404)


@pytest.mark.parametrize('method, path, json', [
    ('GET', '/os-hosts', None), ('GET', '/os-hosts/aio', None),
    ('PUT', '/os-hosts/aio', {'status': 'enable'}),
    # NOTE: from 2.43 the body is not even read.
    ('PUT', '/os-hosts/aio', {'status': 'invalid'}),
    ('GET', '/os-hosts/aio/reboot', None),
])
def test_hosts_gone_from_2_43(aio_cloud, method, path, json):
    admin = _at(aio_cloud.admin, '2.43')
    _fault(admin.request(method, path, json=json, expected=404),
           'itemNotFound', 404)
    _at(aio_cloud.admin, '2.42').request(method, path, json=json,
                                         expected=(200, 400, 501))


# ---- 10. os-quota-class-sets -----------------------------------------------

_V21 = {'cores', 'fixed_ips', 'floating_ips', 'injected_file_content_bytes',
        'injected_file_path_bytes', 'injected_files', 'instances',
        'key_pairs', 'metadata_items', 'ram', 'security_group_rules',
        'security_groups'}
_V250 = {'cores', 'injected_file_content_bytes', 'injected_file_path_bytes',
         'injected_files', 'instances', 'key_pairs', 'metadata_items', 'ram',
         'server_groups', 'server_group_members'}
_V257 = _V250 - {'injected_file_content_bytes', 'injected_file_path_bytes',
                 'injected_files'}


@pytest.mark.parametrize('version, keys', [
    ('2.1', _V21), ('2.49', _V21), ('2.50', _V250), ('2.56', _V250),
    ('2.57', _V257), ('2.100', _V257),
])
def test_quota_class_show_by_microversion(aio_cloud, version, keys):
    shown = _at(aio_cloud.admin, version).get(
        '/os-quota-class-sets/default', expected=200).json()[
        'quota_class_set']
    assert set(shown) == keys | {'id'}
    assert shown['id'] == 'default'
    # NOTE: the test clouds' [quota] sets instances to -1.
    assert (shown['instances'], shown['key_pairs'],
            shown['metadata_items']) == (-1, 100, 128)
    if 'fixed_ips' in keys:
        assert shown['fixed_ips'] == -1


def test_quota_class_default_is_every_project_default(aio_cloud):
    admin = _at(aio_cloud.admin, '2.57')
    path = '/os-quota-class-sets/default'
    original = admin.get(path, expected=200).json()['quota_class_set']
    try:
        updated = admin.request('PUT', path, json={'quota_class_set': {
            'instances': 17, 'cores': '40'}}, expected=200).json()[
            'quota_class_set']
        assert 'id' not in updated
        assert (updated['instances'], updated['cores']) == (17, 40)
        defaults = admin.get('/os-quota-sets/gapsa-other/defaults',
                             expected=200).json()['quota_set']
        assert (defaults['instances'], defaults['cores']) == (17, 40)
        project = admin.get('/os-quota-sets/gapsa-other',
                            expected=200).json()['quota_set']
        assert project['instances'] == 17
        limits = aio_cloud.client.get('/limits', expected=200).json()[
            'limits']['absolute']
        assert limits['maxTotalInstances'] == 17
    finally:
        admin.request('PUT', path, json={'quota_class_set': {
            'instances': original['instances'],
            'cores': original['cores']}}, expected=200)


def test_quota_class_of_another_name(aio_cloud):
    admin = _at(aio_cloud.admin, '2.50')
    path = '/os-quota-class-sets/gapsa-class'
    admin.request('PUT', path, json={'quota_class_set': {
        'server_groups': 3}}, expected=200)
    shown = admin.get(path, expected=200).json()['quota_class_set']
    assert (shown['id'], shown['server_groups']) == ('gapsa-class', 3)
    # Other classes leave the defaults alone.
    assert admin.get('/os-quota-class-sets/default', expected=200).json()[
        'quota_class_set']['server_groups'] == 10


@pytest.mark.parametrize('version, body', [
    ('2.1', {'quota_class_set': {'instances': 'many'}}),
    ('2.1', {'quota_class_set': {'instances': -2}}),
    ('2.1', {'quota_class_set': {'unknown': 1}}),
    ('2.1', {'instances': 1}),
    ('2.50', {'quota_class_set': {'floating_ips': 1}}),
    ('2.57', {'quota_class_set': {'injected_files': 1}}),
])
def test_quota_class_update_refusals(aio_cloud, version, body):
    response = _at(aio_cloud.admin, version).request(
        'PUT', '/os-quota-class-sets/default', json=body, expected=400)
    _fault(response, 'badRequest', 400)


def test_quota_class_name_too_long_is_400(aio_cloud):
    response = aio_cloud.admin.request(
        'PUT', '/os-quota-class-sets/%s' % ('c' * 256),
        json={'quota_class_set': {'instances': 1}}, expected=400)
    _fault(response, 'badRequest', 400)


def test_quota_classes_are_admin_only(aio_cloud):
    client = aio_cloud.client
    _fault(client.get('/os-quota-class-sets/default', expected=403),
           'forbidden', 403)
    _fault(client.request('PUT', '/os-quota-class-sets/default', json={
        'quota_class_set': {'instances': 1}}, expected=403), 'forbidden',
        403)
