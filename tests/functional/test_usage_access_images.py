"""Usage reports, private flavors and the image proxy across real processes
(api, conductor, scheduler, a fake-driver compute and nova-lite-image on
RabbitMQ and MariaDB), driven over HTTP as a client would.

* os-simple-tenant-usage: the hours of a server that ran a known time,
  before and after its deletion; admins list every project, members only
  read their own; 2.40 pages by server.
* Flavor access: a private flavor is invisible and unbootable for a
  project until an admin gives it access.
* /images (2.1-2.35): Glance's images as the Compute API shows them, and
  their metadata written through to the image service; 404 from 2.36.
"""

import datetime
import uuid

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import images as images_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024}}
TIMEOUT = 60
TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'
# m1.tiny, what client.create_server boots by default.
TINY = {'name': 'm1.tiny', 'vcpus': 1, 'memory_mb': 512, 'local_gb': 1}


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'usage-access-images'), backend='mysql',
            computes={'host-a': HOST})) as cloud:
        yield cloud


def _parse(text):
    return datetime.datetime.strptime(text, TIME_FORMAT)


def _fmt(when):
    return when.strftime(TIME_FORMAT)


def _boot(client, name, flavor='1'):
    server_id = client.create_server(name, flavor=flavor)['server']['id']
    return client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)


def _usage(client, project, expected=200, **params):
    return client.get('/os-simple-tenant-usage/%s' % project, params=params,
                      expected=expected).json()


# ---- os-simple-tenant-usage -------------------------------------------------

def test_usage_of_a_server_that_ran_a_known_time(cloud):
    client = cloud.client.as_user('usage-user', 'usage-project')
    admin = cloud.client.admin()
    server = _boot(client, 'usage-1')
    launched = _parse(server['OS-SRV-USG:launched_at'])
    start = launched - datetime.timedelta(hours=1)

    # A window that ends 1 s after the launch: exactly 1 s of usage.
    client_mod.wait_for(
        lambda: datetime.datetime.utcnow() > launched +
        datetime.timedelta(seconds=2), 10, message='time to pass')
    end = launched + datetime.timedelta(seconds=1)
    usage = _usage(client, 'usage-project', start=_fmt(start),
                   end=_fmt(end))['tenant_usage']
    hours = 1 / 3600.0
    assert usage['tenant_id'] == 'usage-project'
    assert usage['start'] == _fmt(start)
    assert usage['stop'] == _fmt(end)
    assert usage['total_hours'] == pytest.approx(hours)
    assert usage['total_vcpus_usage'] == pytest.approx(TINY['vcpus'] * hours)
    assert usage['total_memory_mb_usage'] == pytest.approx(
        TINY['memory_mb'] * hours)
    assert usage['total_local_gb_usage'] == pytest.approx(
        TINY['local_gb'] * hours)
    [item] = usage['server_usages']
    assert item['instance_id'] == server['id']
    assert item['name'] == 'usage-1'
    assert item['flavor'] == TINY['name']
    assert (item['vcpus'], item['memory_mb'], item['local_gb']) == (
        TINY['vcpus'], TINY['memory_mb'], TINY['local_gb'])
    assert item['state'] == 'active'
    assert item['ended_at'] is None
    assert _parse(item['started_at']) == launched
    assert item['uptime'] >= 2

    # A window that ends before the launch holds nothing.
    assert _usage(client, 'usage-project', start=_fmt(start),
                  end=_fmt(launched - datetime.timedelta(seconds=1))) == {
                      'tenant_usage': {}}

    # Deleted, the server still counts for the time it ran.
    client.delete_server(server['id'])
    client.wait_for_deleted(server['id'], timeout=TIMEOUT)
    usage = _usage(client, 'usage-project', start=_fmt(start))['tenant_usage']
    [item] = usage['server_usages']
    assert item['state'] == 'terminated'
    ended = _parse(item['ended_at'])
    ran = (ended - launched).total_seconds()
    assert item['uptime'] == int(ran)
    assert item['hours'] == pytest.approx(ran / 3600.0)
    assert usage['total_hours'] == pytest.approx(ran / 3600.0)

    # Admins list every project (with servers when detailed); members may
    # not list, nor read another project's usage.
    listing = admin.get('/os-simple-tenant-usage', params={
        'start': _fmt(start), 'detailed': '1'}, expected=200).json()
    mine = [u for u in listing['tenant_usages']
            if u['tenant_id'] == 'usage-project']
    assert [s['instance_id'] for s in mine[0]['server_usages']] == [
        server['id']]
    brief = admin.get('/os-simple-tenant-usage', params={
        'start': _fmt(start)}, expected=200).json()
    assert all('server_usages' not in u for u in brief['tenant_usages'])
    client.get('/os-simple-tenant-usage', expected=403)
    _usage(client, 'another-project', expected=403)
    assert _usage(admin, 'usage-project', start=_fmt(start))[
        'tenant_usage']['total_hours'] == pytest.approx(ran / 3600.0)


def test_usage_bad_windows(cloud):
    admin = cloud.client.admin()
    response = admin.get('/os-simple-tenant-usage',
                         params={'start': 'yesterday'}, expected=400)
    assert client_mod.fault_of(response)[1]['message'] == (
        'Invalid datetime string: Datetime is in invalid format')
    response = admin.get('/os-simple-tenant-usage', params={
        'start': '2020-01-02T00:00:00', 'end': '2020-01-01T00:00:00'},
        expected=400)
    assert client_mod.fault_of(response)[1]['message'] == (
        'Invalid start time. The start time cannot occur after the end '
        'time.')


def test_usage_pages_by_server_from_2_40(cloud):
    client = cloud.client.as_user('page-user', 'page-project')
    client.microversion = '2.40'
    ids = sorted(_boot(client, 'page-%d' % i)['id'] for i in range(2))
    start = _fmt(datetime.datetime.utcnow() - datetime.timedelta(hours=1))
    first = _usage(client, 'page-project', start=start, limit=1)
    assert [s['instance_id'] for s in
            first['tenant_usage']['server_usages']] == ids[:1]
    [link] = first['tenant_usage_links']
    assert link['rel'] == 'next'
    assert client_mod.query_of(link['href'])['marker'] == ids[0]
    second = client.get(link['href'], expected=200).json()
    assert [s['instance_id'] for s in
            second['tenant_usage']['server_usages']] == ids[1:]
    client.get('/os-simple-tenant-usage/page-project',
               params={'marker': str(uuid.uuid4())}, expected=400)
    # Before 2.40 there is neither paging nor a link.
    client.microversion = '2.39'
    whole = _usage(client, 'page-project', start=start, limit=1)
    assert 'tenant_usage_links' not in whole
    assert len(whole['tenant_usage']['server_usages']) == 2
    for server_id in ids:
        client.delete_server(server_id)


# ---- flavor access ----------------------------------------------------------

def test_private_flavor_needs_access(cloud):
    client = cloud.client.as_user('flavor-user', 'flavor-project')
    admin = cloud.client.admin()
    flavor = admin.post('/flavors', json={'flavor': {
        'name': 'private-%s' % uuid.uuid4().hex[:6], 'ram': 256,
        'vcpus': 1, 'disk': 1, 'os-flavor-access:is_public': False}},
        expected=200).json()['flavor']
    flavor_id = flavor['id']
    access_path = '/flavors/%s/os-flavor-access' % flavor_id
    action_path = '/flavors/%s/action' % flavor_id

    def member_sees():
        listed = [f['id'] for f in client.get(
            '/flavors/detail', expected=200).json()['flavors']]
        shown = client.get('/flavors/%s' % flavor_id).status_code == 200
        return flavor_id in listed, shown

    assert member_sees() == (False, False)
    assert admin.get(access_path, expected=200).json() == {
        'flavor_access': []}
    client.get(access_path, expected=403)
    refused = client.post('/servers', json={'server': {
        'name': 'no-access', 'imageRef': client_mod.TEST_IMAGE,
        'flavorRef': flavor_id, 'networks': 'none'}}, expected=400)
    assert client_mod.fault_of(refused)[1]['message'] == (
        'Flavor %s could not be found.' % flavor_id)
    client.post(action_path, json={'addTenantAccess': {
        'tenant': 'flavor-project'}}, expected=403)

    added = admin.post(action_path, json={'addTenantAccess': {
        'tenant': 'flavor-project'}}, expected=200).json()
    assert added == {'flavor_access': [
        {'flavor_id': flavor_id, 'tenant_id': 'flavor-project'}]}
    admin.post(action_path, json={'addTenantAccess': {
        'tenant': 'flavor-project'}}, expected=409)
    assert member_sees() == (True, True)
    # Admins list private flavors with is_public=false.
    admin_listed = [f['id'] for f in admin.get(
        '/flavors', params={'is_public': 'false'},
        expected=200).json()['flavors']]
    assert flavor_id in admin_listed
    server = _boot(client, 'private-flavor', flavor=flavor_id)
    assert server['flavor']['original_name'] == flavor['name']
    client.delete_server(server['id'])

    removed = admin.post(action_path, json={'removeTenantAccess': {
        'tenant': 'flavor-project'}}, expected=200).json()
    assert removed == {'flavor_access': []}
    admin.post(action_path, json={'removeTenantAccess': {
        'tenant': 'flavor-project'}}, expected=404)
    assert member_sees() == (False, False)


def test_public_flavor_access(cloud):
    admin = cloud.client.admin()
    response = admin.get('/flavors/1/os-flavor-access', expected=404)
    assert client_mod.fault_of(response)[1]['message'] == (
        'Access list not available for public flavors.')
    admin.microversion = '2.7'
    response = admin.post('/flavors/1/action', json={'addTenantAccess': {
        'tenant': 'someone'}}, expected=409)
    assert client_mod.fault_of(response)[1]['message'] == (
        'Can not add access to a public flavor.')
    admin.post('/flavors/nope/action', json={'addTenantAccess': {
        'tenant': 'someone'}}, expected=404)
    admin.post('/flavors/1/action', json={'grantEverything': {}},
               expected=400)


# ---- the image proxy --------------------------------------------------------

@pytest.fixture
def proxy(cloud):
    """A client at 2.35, its own private image, another project's."""
    client = cloud.client.as_user('image-user', 'image-project')
    client.microversion = '2.35'
    mine = images_mod.create_image(
        cloud.image_endpoint, token=client.token, data=b'x' * 1024,
        name='mine-%s' % uuid.uuid4().hex[:6], disk_format='qcow2',
        container_format='bare', visibility='private', min_ram=64,
        architecture='x86_64', instance_uuid=str(uuid.uuid4()))
    theirs = images_mod.create_image(
        cloud.image_endpoint, token='other:other-project',
        name='theirs', disk_format='qcow2', container_format='bare',
        visibility='private')
    yield client, mine, theirs
    for image, token in ((mine, client.token),
                         (theirs, 'other:other-project')):
        requests.delete(
            cloud.image_endpoint + '/v2/images/%s' % image['id'],
            headers={'X-Auth-Token': token}, timeout=30)


def test_image_proxy_lists_and_shows(cloud, proxy):
    client, mine, theirs = proxy
    listed = client.get('/images', expected=200).json()['images']
    ids = [image['id'] for image in listed]
    assert mine['id'] in ids and client_mod.TEST_IMAGE in ids
    assert theirs['id'] not in ids
    brief = [image for image in listed if image['id'] == mine['id']][0]
    assert set(brief) == {'id', 'name', 'links'}
    assert [link['rel'] for link in brief['links']] == [
        'self', 'bookmark', 'alternate']
    assert brief['links'][2]['href'] == '%s/images/%s' % (
        cloud.image_endpoint, mine['id'])

    shown = client.get('/images/%s' % mine['id'],
                       expected=200).json()['image']
    assert shown['name'] == mine['name']
    assert shown['status'] == 'ACTIVE' and shown['progress'] == 100
    assert shown['OS-EXT-IMG-SIZE:size'] == 1024
    assert (shown['minRam'], shown['minDisk']) == (64, 0)
    assert shown['metadata'] == {'architecture': 'x86_64',
                                 'instance_uuid': mine['instance_uuid']}
    assert shown['server']['id'] == mine['instance_uuid']
    detail = client.get('/images/detail', params={'name': mine['name']},
                        expected=200).json()['images']
    assert detail == [shown]
    by_server = client.get('/images/detail', params={
        'server': 'http://x/servers/%s' % mine['instance_uuid']},
        expected=200).json()['images']
    assert [image['id'] for image in by_server] == [mine['id']]
    page = client.get('/images', params={'limit': 1},
                      expected=200).json()
    assert len(page['images']) == 1
    assert page['images_links'][0]['rel'] == 'next'

    client.get('/images/%s' % theirs['id'], expected=404)
    client.get('/images/%s' % uuid.uuid4(), expected=404)
    client.microversion = '2.36'
    client.get('/images', expected=404)
    client.get('/images/%s' % mine['id'], expected=404)


def test_image_metadata_crud_and_delete(cloud, proxy):
    client, mine, theirs = proxy
    path = '/images/%s/metadata' % mine['id']
    created = client.post(path, json={'metadata': {
        'Label': 'Updated', 'architecture': 'aarch64'}}, expected=200).json()
    assert created['metadata']['Label'] == 'Updated'
    assert created['metadata']['architecture'] == 'aarch64'
    assert client.get(path + '/Label', expected=200).json() == {
        'meta': {'Label': 'Updated'}}
    assert client.request('PUT', path + '/Label', json={
        'meta': {'Label': 'Changed'}}, expected=200).json() == {
            'meta': {'Label': 'Changed'}}
    client.request('PUT', path + '/Label', json={
        'meta': {'Other': 'x'}}, expected=400)
    replaced = client.request('PUT', path, json={'metadata': {
        'auto_disk_config': 'True', 'Label': 'Only'}},
        expected=200).json()
    assert replaced == {'metadata': {'auto_disk_config': 'True',
                                     'Label': 'Only'}}
    # Written through: the image service holds exactly these now.
    stored = images_mod.show_image(cloud.image_endpoint, mine['id'],
                                   token=client.token)
    assert stored['Label'] == 'Only' and 'architecture' not in stored
    assert client.get('/images/%s' % mine['id'], expected=200).json()[
        'image']['OS-DCF:diskConfig'] == 'AUTO'
    client.delete(path + '/Label', expected=204)
    client.delete(path + '/Label', expected=404)
    assert client.get(path, expected=200).json() == {
        'metadata': {'auto_disk_config': 'True'}}

    # Over the metadata_items quota (128): refused, nothing written.
    too_many = {'k%d' % i: 'v' for i in range(129)}
    client.post(path, json={'metadata': too_many}, expected=403)
    assert client.get(path, expected=200).json() == {
        'metadata': {'auto_disk_config': 'True'}}

    client.get('/images/%s/metadata' % theirs['id'], expected=404)
    client.post('/images/%s/metadata' % theirs['id'],
                json={'metadata': {'a': 'b'}}, expected=404)
    client.delete('/images/%s' % theirs['id'], expected=404)

    client.microversion = '2.36'
    client.get(path, expected=404)
    client.post(path, json={'metadata': {'a': 'b'}}, expected=404)
    client.microversion = '2.35'
    client.delete('/images/%s' % mine['id'], expected=204)
    client.get('/images/%s' % mine['id'], expected=404)


# ---- key pairs: admins acting for a user (2.10), pages (2.35) ---------------

def test_key_pairs_of_another_user(cloud):
    member = cloud.client.as_user('kp-user', 'kp-project')
    admin = cloud.client.admin()
    member.microversion = admin.microversion = '2.35'
    for name in ('kp-b', 'kp-a', 'kp-c'):
        body = admin.post('/os-keypairs', json={'keypair': {
            'name': name, 'user_id': 'kp-user'}}, expected=201).json()
        assert body['keypair']['user_id'] == 'kp-user'
        assert body['keypair']['private_key']
    admin.post('/os-keypairs', json={'keypair': {
        'name': 'kp-a', 'user_id': 'kp-user'}}, expected=409)
    member.post('/os-keypairs', json={'keypair': {
        'name': 'theirs', 'user_id': 'someone-else'}}, expected=403)

    # The member sees them as its own, oldest first, a page at a time.
    page = member.get('/os-keypairs', params={'limit': 2},
                      expected=200).json()
    assert [k['keypair']['name'] for k in page['keypairs']] == [
        'kp-b', 'kp-a']
    [link] = page['keypairs_links']
    assert client_mod.query_of(link['href'])['marker'] == 'kp-a'
    rest = member.get(link['href'], expected=200).json()
    assert [k['keypair']['name'] for k in rest['keypairs']] == ['kp-c']
    assert 'keypairs_links' not in rest
    member.get('/os-keypairs', params={'marker': 'nope'}, expected=400)

    # Another user's key pairs: admins only.
    for path in ('/os-keypairs?user_id=kp-user',
                 '/os-keypairs/kp-a?user_id=kp-user'):
        cloud.client.as_user('nosy', 'kp-project').get(path, expected=403)
    listed = admin.get('/os-keypairs', params={'user_id': 'kp-user'},
                       expected=200).json()['keypairs']
    assert len(listed) == 3
    shown = admin.get('/os-keypairs/kp-a', params={'user_id': 'kp-user'},
                      expected=200).json()['keypair']
    assert (shown['name'], shown['user_id']) == ('kp-a', 'kp-user')
    admin.get('/os-keypairs/kp-a', expected=404)
    admin.delete('/os-keypairs/kp-a', params={'user_id': 'kp-user'},
                 expected=204)
    member.get('/os-keypairs/kp-a', expected=404)
    for name in ('kp-b', 'kp-c'):
        member.delete('/os-keypairs/%s' % name, expected=204)
