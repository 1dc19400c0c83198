"""The disk transfer between compute hosts: a real server and client on
127.0.0.1 (a free port), then a resize between two "hosts" of libvirt's
test:///default with their own state_path, the files pulled over it."""

import hashlib
import http.client
import json
import os
import socket

import pytest

from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.virt.libvirt import disk_transfer
from nova_lite.virt.libvirt import imagecache
from nova_lite.virt import virtapi

from tests.unit.virt.helpers import FakeImageAPI
from tests.unit.virt.helpers import libvirt_available
from tests.unit.virt.helpers import make_flavor
from tests.unit.virt.helpers import make_instance

UUID = '8f8e5a3c-0d2b-4c57-9a34-8a1f1c3e2a11'


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def server(clock):
    srv = disk_transfer.DiskTransferServer('127.0.0.1', 0, clock=clock)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def files(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    # NOTE: more than three chunks, and not a multiple of one.
    data = os.urandom(3 * disk_transfer.CHUNK_SIZE + 4097)
    (src / 'disk').write_bytes(data)
    (src / 'boot.json').write_text('{"a": 1}')
    return {'disk': str(src / 'disk'), 'boot.json': str(src / 'boot.json')}


@pytest.fixture
def dst(tmp_path):
    path = tmp_path / 'dst'
    path.mkdir()
    return path


def _raw_get(transfer, tail, token):
    url = transfer['url'] + tail
    host, port = url.split('/')[2].split(':')
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    headers = {} if token is None else {disk_transfer.TOKEN_HEADER: token}
    conn.request('GET', '/' + url.split('/', 3)[3], headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_offer_lists_files_with_sizes(server, files):
    transfer = server.offer(UUID, files, ttl=60,
                            extra={'disk': {'image_id': 'img'}})
    assert transfer['url'].startswith('http://127.0.0.1:%d/v1/offers/'
                                      % server.port)
    assert len(transfer['token']) >= 43
    assert transfer['files'] == [
        {'name': 'boot.json', 'size': 8},
        {'name': 'disk', 'size': os.path.getsize(files['disk']),
         'image_id': 'img'}]
    assert transfer['expires_in'] == 60


def test_good_token_copies_every_file(server, files, dst):
    transfer = server.offer(UUID, files, ttl=60)
    names = disk_transfer.fetch_files(transfer, str(dst), UUID)
    assert sorted(names) == ['boot.json', 'disk']
    for name, path in files.items():
        with open(path, 'rb') as a, open(dst / name, 'rb') as b:
            assert a.read() == b.read()
    assert sorted(os.listdir(dst)) == ['boot.json', 'disk']


def test_fetch_returns_size_and_sha256(server, files, dst):
    transfer = server.offer(UUID, files, ttl=60)
    size, sha = disk_transfer.fetch_file(transfer, 'disk',
                                         str(dst / 'disk'), UUID)
    with open(files['disk'], 'rb') as f:
        data = f.read()
    assert (size, sha) == (len(data), hashlib.sha256(data).hexdigest())
    status, body = _raw_get(transfer, '/digests/disk', transfer['token'])
    assert status == 200
    assert json.loads(body)['sha256'] == sha


@pytest.mark.parametrize('token', [None, '', 'x' * 43])
def test_wrong_or_missing_token_is_403(server, files, dst, token):
    transfer = server.offer(UUID, files, ttl=60)
    status, _body = _raw_get(transfer, '/files/disk', token)
    assert status == 403
    bad = dict(transfer, token=token or 'nope')
    with pytest.raises(exception.DiskTransferError, match='HTTP 403'):
        disk_transfer.fetch_file(bad, 'disk', str(dst / 'disk'), UUID)
    assert os.listdir(dst) == []


def test_token_of_another_offer_is_403(server, files, dst):
    one = server.offer(UUID, files, ttl=60)
    other = server.offer('another-instance', files, ttl=60)
    crossed = dict(one, token=other['token'])
    with pytest.raises(exception.DiskTransferError, match='403'):
        disk_transfer.fetch_file(crossed, 'disk', str(dst / 'disk'), UUID)


def test_expired_offer_is_403(server, files, dst, clock):
    transfer = server.offer(UUID, files, ttl=60)
    clock.now += 61
    with pytest.raises(exception.DiskTransferError, match='expired'):
        disk_transfer.fetch_file(transfer, 'disk', str(dst / 'disk'), UUID)
    assert server.offers_of(UUID) == []


def test_unknown_file_is_404(server, files, dst):
    transfer = server.offer(UUID, files, ttl=60)
    with pytest.raises(exception.DiskTransferError, match='HTTP 404'):
        disk_transfer.fetch_file(transfer, '../../etc/passwd',
                                 str(dst / 'x'), UUID)
    status, _ = _raw_get(transfer, '/nothing/disk', transfer['token'])
    assert status == 404
    assert os.listdir(dst) == []


def test_digest_before_the_file_was_sent_is_404(server, files):
    transfer = server.offer(UUID, files, ttl=60)
    status, _ = _raw_get(transfer, '/digests/disk', transfer['token'])
    assert status == 404


def test_checksum_mismatch_leaves_nothing(server, files, dst, monkeypatch):
    original = disk_transfer._Handler._send_digest

    def lying(handler, offer, name):
        size, _sha = offer.digests[name]
        offer.digests[name] = (size, '0' * 64)
        return original(handler, offer, name)

    monkeypatch.setattr(disk_transfer._Handler, '_send_digest', lying)
    transfer = server.offer(UUID, files, ttl=60)
    with pytest.raises(exception.DiskTransferError,
                       match='checksum mismatch'):
        disk_transfer.fetch_file(transfer, 'disk', str(dst / 'disk'), UUID)
    assert os.listdir(dst) == []


def test_revoked_offer_is_403(server, files, dst):
    transfer = server.offer(UUID, files, ttl=60)
    kept = server.offer('another-instance', files, ttl=60)
    server.revoke(transfer)
    with pytest.raises(exception.DiskTransferError, match='403'):
        disk_transfer.fetch_file(transfer, 'disk', str(dst / 'disk'), UUID)
    disk_transfer.fetch_file(kept, 'boot.json', str(dst / 'boot.json'),
                             UUID)
    assert server.revoke_instance('another-instance') == 1
    with pytest.raises(exception.DiskTransferError, match='403'):
        disk_transfer.fetch_file(kept, 'disk', str(dst / 'disk'), UUID)


def test_a_growing_file_is_sent_up_to_its_size_at_the_request(
        server, dst, tmp_path):
    log = tmp_path / 'console.log'
    log.write_bytes(b'boot\n')
    transfer = server.offer(UUID, {'console.log': str(log)}, ttl=60)
    with open(log, 'ab') as f:
        f.write(b'more\n')
    disk_transfer.fetch_files(transfer, str(dst), UUID)
    assert (dst / 'console.log').read_bytes() == b'boot\nmore\n'


def test_connection_refused(files, dst):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    transfer = {'url': 'http://127.0.0.1:%d/v1/offers/x' % port,
                'token': 't', 'files': [{'name': 'disk', 'size': 1}]}
    with pytest.raises(exception.DiskTransferError,
                       match='connection refused'):
        disk_transfer.fetch_files(transfer, str(dst), UUID)


def test_silent_server_times_out(dst):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(1)  # accepted by the kernel, never answered
    try:
        transfer = {'url': 'http://127.0.0.1:%d/v1/offers/x'
                    % sock.getsockname()[1], 'token': 't'}
        with pytest.raises(exception.DiskTransferError, match='timed out'):
            disk_transfer.fetch_file(transfer, 'disk', str(dst / 'disk'),
                                     UUID, timeout=0.3)
    finally:
        sock.close()
    assert os.listdir(dst) == []


def test_file_names_with_a_slash_are_refused(server, files, dst):
    transfer = server.offer(UUID, {'a/b': files['disk']}, ttl=60)
    with pytest.raises(exception.DiskTransferError, match='refusing'):
        disk_transfer.fetch_files(transfer, str(dst), UUID)


def test_stop_refuses_connections(files, dst, clock):
    srv = disk_transfer.DiskTransferServer('127.0.0.1', 0, clock=clock)
    srv.start()
    transfer = srv.offer(UUID, files, ttl=60)
    srv.stop()
    assert not srv.running
    with pytest.raises(exception.DiskTransferError):
        disk_transfer.fetch_file(transfer, 'disk', str(dst / 'disk'), UUID)


# ---- a resize between two hosts -------------------------------------------

needs_libvirt = pytest.mark.skipif(not libvirt_available(),
                                   reason='libvirt-python is not installed')


class Hosts:
    """Two compute hosts of one test:///default hypervisor, each with its
    own ``host``, ``state_path`` and LibvirtDriver; ``on(name)`` makes
    the options those of one of them."""

    def __init__(self, flags, tmp_path):
        from nova_lite.virt.libvirt import driver as libvirt_driver
        self.flags = flags
        self.state = {n: str(tmp_path / n) for n in ('src', 'dst')}
        self.drivers = {}
        for name in ('src', 'dst'):
            self.on(name)
            drv = libvirt_driver.LibvirtDriver(virtapi.VirtAPI())
            drv.init_host(name)
            drv._image_api = FakeImageAPI()
            self.drivers[name] = drv

    def on(self, name):
        self.flags.set(host=name, state_path=self.state[name],
                       my_ip='127.0.0.1')
        return self.drivers.get(name)

    def cleanup(self):
        for drv in self.drivers.values():
            drv.cleanup_host(None)


@pytest.fixture
def hosts(flags, tmp_path):
    flags.set(group='libvirt', connection_uri='test:///default',
              disk_transfer_listen='127.0.0.1', disk_transfer_port=0)
    h = Hosts(flags, tmp_path)
    yield h
    h.cleanup()


def _migration():
    import types
    return types.SimpleNamespace(source_compute='src', dest_compute='dst')


def _not_shared(disk_info):
    """disk_info as a host that does not see the source's files gets it
    (the two test hosts share one file system)."""
    info = json.loads(disk_info)
    info['source_dir'] = '/nonexistent/' + os.path.basename(
        info['source_dir'])
    return json.dumps(info)


def _spawn_on_src(hosts):
    src = hosts.on('src')
    inst = make_instance(host='src', node='src')
    src.spawn(None, inst, image_meta={}, injected_files=[],
              admin_password=None, allocations={})
    instance_dir = os.path.join(hosts.state['src'], 'instances', inst.uuid)
    with open(os.path.join(instance_dir, 'console.log'), 'w') as f:
        f.write('source console\n')
    return src, inst


@needs_libvirt
def test_resize_to_another_host_pulls_the_files(hosts):
    from nova_lite.virt.libvirt import imagebackend
    src, inst = _spawn_on_src(hosts)
    info = json.loads(src.migrate_disk_and_power_off(
        None, inst, 'dst', make_flavor(memory_mb=128, root_gb=2), None))
    assert info['source_host'] == 'src'
    names = sorted(f['name'] for f in info['transfer']['files'])
    base = '_base/' + imagecache.base_name(inst.image_ref)
    assert names == [base, 'boot.json', 'disk']
    assert src.get_info(inst).state == power_state.SHUTDOWN

    dst = hosts.on('dst')
    inst.flavor = make_flavor(memory_mb=128, root_gb=2)
    dst.finish_migration(None, _migration(), inst,
                         _not_shared(json.dumps(info)), None, {},
                         resize_instance=True, power_on=True)
    dst_dir = os.path.join(hosts.state['dst'], 'instances', inst.uuid)
    assert sorted(os.listdir(dst_dir)) == ['boot.json', 'disk']
    root_info = imagebackend.qemu_img_info(os.path.join(dst_dir, 'disk'),
                                           'qcow2')
    # Rebased onto this host's image cache, grown to the new root_gb.
    assert root_info['backing-filename'] == os.path.join(
        hosts.state['dst'], '_base', imagecache.base_name(inst.image_ref))
    assert root_info['virtual-size'] == 2 * 1024 ** 3
    # The image came from the image service, as at spawn.
    assert dst._image_api.downloads == {inst.image_ref: 1}
    assert dst.get_info(inst).state == power_state.RUNNING

    hosts.on('src')
    src.confirm_migration(None, _migration(), inst, None)
    assert src._disk_transfer.offers_of(inst.uuid) == []
    assert not os.path.exists(src._resize_dir(inst))


@needs_libvirt
def test_an_image_gone_from_the_image_service_comes_from_the_source(hosts):
    src, inst = _spawn_on_src(hosts)
    info = _not_shared(src.migrate_disk_and_power_off(
        None, inst, 'dst', make_flavor(), None))

    class NoImages(FakeImageAPI):
        def download(self, context, image_id, dst_path):
            raise exception.ImageNotFound(image_id=image_id)

    dst = hosts.on('dst')
    dst._image_api = NoImages()
    dst._image_cache = None
    dst.finish_migration(None, _migration(), inst, info, None, {},
                         resize_instance=False, power_on=False)
    cached = os.path.join(hosts.state['dst'], '_base',
                          imagecache.base_name(inst.image_ref))
    with open(cached, 'rb') as f:
        assert f.read() == b'\0' * 1024 * 1024


@needs_libvirt
def test_failed_transfer_leaves_nothing_on_the_destination(hosts):
    src, inst = _spawn_on_src(hosts)
    info = _not_shared(src.migrate_disk_and_power_off(
        None, inst, 'dst', make_flavor(), None))
    src._revoke_offers(inst)
    dst = hosts.on('dst')
    with pytest.raises(exception.DiskTransferError, match='403'):
        dst.finish_migration(None, _migration(), inst, info, None, {},
                             resize_instance=True, power_on=True)
    assert not os.path.exists(os.path.join(hosts.state['dst'], 'instances',
                                           inst.uuid))
    # The source reverts: its set-aside directory is still there.
    hosts.on('src')
    src.finish_revert_migration(None, inst, None, _migration(),
                                power_on=True)
    assert src.get_info(inst).state == power_state.RUNNING


@needs_libvirt
def test_a_shared_state_path_is_copied_locally(hosts):
    src, inst = _spawn_on_src(hosts)
    info = src.migrate_disk_and_power_off(None, inst, 'dst', make_flavor(),
                                          None)
    src._revoke_offers(inst)  # a pull would fail now
    dst = hosts.on('dst')
    dst.finish_migration(None, _migration(), inst, info, None, {},
                         resize_instance=True, power_on=True)
    assert dst.get_info(inst).state == power_state.RUNNING


@needs_libvirt
def test_resize_on_one_host_offers_nothing(hosts):
    src, inst = _spawn_on_src(hosts)
    info = json.loads(src.migrate_disk_and_power_off(
        None, inst, 'src', make_flavor(), None))
    assert 'transfer' not in info
    assert src._disk_transfer is None
