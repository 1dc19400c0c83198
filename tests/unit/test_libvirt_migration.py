"""Live migration with the libvirt driver: the URI, flags and parameters
it asks libvirt for, the monitor (progress saved, completion timeout),
abort and force-complete, with the libvirt domain faked at the edge; then
the checks and pre_live_migration between two "hosts" of libvirt's
test:///default, whose files travel over the disk transfer."""

import json
import os
import threading
import types
from unittest import mock

import pytest

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite import utils
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import imagecache
from nova_lite.virt.libvirt import migration as lm
from nova_lite.virt import virtapi

from tests.unit.test_libvirt_disk_transfer import Hosts
from tests.unit.test_libvirt_disk_transfer import needs_libvirt
from tests.unit.virt.helpers import make_instance

G = libvirt_guest
BASE = '/state/src'
DOMAIN_XML = """<domain type='qemu'>
  <name>instance-0000002a</name>
  <os><type>hvm</type><kernel>{base}/_base/k</kernel></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{base}/instances/u/disk'/><target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{base}/instances/u/disk.eph0'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='{base}/instances/u/disk.config'/>
      <target dev='hdd' bus='ide'/><readonly/>
    </disk>
    <serial type='file'><source path='{base}/instances/u/console.log'/>
      <target port='0'/></serial>
    <console type='file'><source path='{base}/instances/u/console.log'/>
      <target type='serial' port='0'/></console>
  </devices>
</domain>""".format(base=BASE)


# ---- URI, flags, parameters, XML -------------------------------------------

@pytest.mark.parametrize('addr, scheme, template, uri', [
    ('10.0.0.2', 'tcp', None, 'qemu+tcp://10.0.0.2/system'),
    ('10.0.0.2', 'ssh', None, 'qemu+ssh://10.0.0.2/system'),
    ('cpu2', 'tcp', 'qemu+ssh://n@%s/system', 'qemu+ssh://n@cpu2/system'),
    ('fd00::2', 'tcp', None, 'qemu+tcp://[fd00::2]/system'),
])
def test_migration_uri(addr, scheme, template, uri):
    assert lm.migration_uri(addr, scheme, template) == uri


@pytest.mark.parametrize('block, flags', [
    (False, 1 | 2 | 8 | 16),
    (True, 1 | 2 | 8 | 16 | 128),
])
def test_migration_flags(block, flags):
    assert lm.migration_flags(block) == flags


@pytest.mark.parametrize('kwargs, params', [
    ({}, {'migrate_uri': 'tcp://10.0.0.2'}),
    ({'migrate_disks': ['vda', 'vdb'], 'bandwidth': 0},
     {'migrate_uri': 'tcp://10.0.0.2', 'migrate_disks': ['vda', 'vdb']}),
    ({'bandwidth': 100, 'dest_xml': '<domain/>'},
     {'migrate_uri': 'tcp://10.0.0.2', 'bandwidth': 100,
      'destination_xml': '<domain/>', 'persistent_xml': '<domain/>'}),
])
def test_migration_params(kwargs, params):
    assert lm.migration_params('10.0.0.2', **kwargs) == params


def test_writable_disks_leave_the_config_drive_out():
    assert lm.writable_disks(DOMAIN_XML) == ['vda', 'vdb']


def test_updated_guest_xml_moves_every_path():
    xml = lm.updated_guest_xml(DOMAIN_XML, {BASE: '/state/dst'})
    assert BASE not in xml
    assert xml.count('/state/dst/instances/u/') == 5
    assert '/state/dst/_base/k' in xml
    assert lm.updated_guest_xml(DOMAIN_XML, {BASE: BASE}) is None
    assert lm.updated_guest_xml(DOMAIN_XML, {'/elsewhere': '/x'}) is None


@pytest.mark.parametrize('per_gb, memory_mb, disk_bytes, timeout', [
    (800, 64, 0, 1600),              # memory counts as 2 GiB at least
    (800, 4096, 0, 3200),
    (800, 512, 1024 ** 3, 2400),
    (0, 4096, 1024 ** 3, 0),         # 0: no timeout
])
def test_completion_timeout(per_gb, memory_mb, disk_bytes, timeout):
    assert lm.completion_timeout(per_gb, memory_mb, disk_bytes) == timeout


# ---- the monitor ----------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class ScriptedGuest:
    """A guest whose job stats follow a script; the migration ends after
    the script (``self.job.done`` is set by the test's stand-in)."""

    def __init__(self, stats, job_ends_after=None):
        self.stats = list(stats)
        self.calls = 0
        self.job_ends_after = job_ends_after
        self.job = None
        self.aborts = 0
        self.paused = False

    def get_job_stats(self):
        self.calls += 1
        if self.job_ends_after and self.calls >= self.job_ends_after:
            self.job.done = True
        return self.stats[min(self.calls, len(self.stats)) - 1]

    def abort_job(self):
        self.aborts += 1
        self.job.done = True

    def pause(self):
        self.paused = True


class FakeMigration:
    def __init__(self):
        for field in lm.PROGRESS_FIELDS:
            setattr(self, field, None)
        self.saved = []

    def save(self):
        self.saved.append({f: getattr(self, f) for f in lm.PROGRESS_FIELDS})


def _stats(processed, total=1000, disk=0):
    return {'type': G.VIR_DOMAIN_JOB_UNBOUNDED, 'memory_total': total,
            'memory_processed': processed,
            'memory_remaining': total - processed, 'disk_total': disk,
            'disk_processed': 0, 'disk_remaining': disk}


def _job(guest, migration=None, timeout=0, clock=None):
    clock = clock or Clock()
    job = lm.LiveMigrationJob(guest, 'u', 'qemu+tcp://d/system', 1, {},
                              migration=migration, timeout=timeout,
                              clock=clock, sleep=clock.sleep,
                              poll_interval=0.5, save_interval=2.0)
    guest.job = job
    return job


def test_monitor_saves_progress_every_save_interval():
    guest = ScriptedGuest([_stats(p * 100) for p in range(10)],
                          job_ends_after=10)
    migration = FakeMigration()
    _job(guest, migration).monitor()
    # Polled at 0, 0.5, ... 4.5 s; saved at 0, 2 and 4 s.
    assert [s['memory_processed'] for s in migration.saved] == [0, 400, 800]
    assert migration.saved[-1]['memory_remaining'] == 200
    assert guest.aborts == 0


def test_monitor_ignores_a_job_not_started_and_a_missing_migration():
    guest = ScriptedGuest([{'type': G.VIR_DOMAIN_JOB_NONE}, _stats(5)],
                          job_ends_after=3)
    job = _job(guest, migration=None)
    job.monitor()
    assert job.last_stats['memory_processed'] == 5


def test_monitor_aborts_after_the_completion_timeout():
    guest = ScriptedGuest([_stats(1)])
    clock = Clock()
    job = _job(guest, FakeMigration(), timeout=3, clock=clock)
    job.monitor()
    assert guest.aborts == 1
    assert 3 < clock.now - 100 <= 4
    assert 'completion timeout (3 s)' in job.aborted


def test_a_failed_save_does_not_stop_the_monitor():
    guest = ScriptedGuest([_stats(1)], job_ends_after=6)
    migration = FakeMigration()
    migration.save = mock.Mock(side_effect=exception.InternalError(err='x'))
    _job(guest, migration).monitor()
    assert guest.calls == 6


def test_force_complete_pauses_and_abort_after_the_end_refuses():
    guest = ScriptedGuest([_stats(1)])
    job = _job(guest)
    job.force_complete()
    assert guest.paused
    job.done = True
    with pytest.raises(exception.MigrationError):
        job.abort()
    with pytest.raises(exception.MigrationError):
        job.force_complete()


# ---- live_migration through the driver, domain faked at the edge ---------

class FakeLibvirtError(Exception):
    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code

    def get_error_code(self):
        return self.code


FAKE_LIBVIRT = types.SimpleNamespace(libvirtError=FakeLibvirtError)


class MigratingDomain:
    """migrateToURI3 blocks (in the native thread) until ``finish`` or
    abortJob; jobStats reports a running job meanwhile."""

    def __init__(self, xml=DOMAIN_XML, fail=None, hold=False):
        self.xml = xml
        self.fail = fail
        self.hold = hold
        self.finish = threading.Event()
        self.started = threading.Event()
        self.aborted = False
        self.migrate_args = None
        self.suspended = False

    def name(self):
        return 'instance-0000002a'

    def XMLDesc(self, flags):
        return self.xml

    def migrateToURI3(self, uri, params, flags):
        self.migrate_args = (uri, params, flags)
        self.started.set()
        if self.hold:
            self.finish.wait(10)
        if self.aborted:
            raise FakeLibvirtError('operation aborted: migration job: '
                                   'canceled by client')
        if self.fail:
            raise FakeLibvirtError(self.fail)

    def jobStats(self, flags):
        if self.started.is_set() and not self.finish.is_set():
            return _stats(500, disk=100)
        return {'type': G.VIR_DOMAIN_JOB_NONE}

    def abortJob(self):
        if not self.started.is_set() or self.finish.is_set():
            raise FakeLibvirtError('no job is active', 55)
        self.aborted = True
        self.finish.set()

    def suspend(self):
        self.suspended = True
        self.finish.set()


class FakeHost:
    def __init__(self, domain):
        self.domain = domain

    def get_guest(self, instance):
        return libvirt_guest.Guest(self.domain, FAKE_LIBVIRT)

    def get_driver_type(self):
        return 'QEMU'


@pytest.fixture
def source(flags, tmp_path):
    flags.set(host='cpu1', state_path=str(tmp_path), my_ip='10.0.0.1')
    flags.set(group='libvirt', live_migration_completion_timeout=800)
    drv = libvirt_driver.LibvirtDriver(virtapi.VirtAPI())
    drv._disk_list = lambda guest: [
        {'readonly': False, 'disk_size': 10 * 1024 ** 2},
        {'readonly': True, 'disk_size': 1024}]
    return drv


class Callbacks:
    def __init__(self, post_fails=False):
        self.post = []
        self.recover = []
        self.post_fails = post_fails

    def post_method(self, *args):
        self.post.append(args)
        if self.post_fails:
            raise RuntimeError('post failed')

    def recover_method(self, *args):
        self.recover.append(args)


def _live_migrate(drv, domain, block=True, migrate_data=None, migration=None,
                  callbacks=None):
    drv._host = FakeHost(domain)
    inst = make_instance(uuid='u')
    callbacks = callbacks or Callbacks()
    md = migrate_data or {'dest_addr': '10.0.0.2', 'dest_host': 'cpu2'}
    drv.live_migration('ctx', inst, 'cpu2', callbacks.post_method,
                       callbacks.recover_method, block_migration=block,
                       migrate_data=md, migration=migration)
    return inst, callbacks


def test_block_live_migration_asks_libvirt_as_designed(source):
    domain = MigratingDomain()
    inst, cb = _live_migrate(source, domain)
    uri, params, flags = domain.migrate_args
    assert uri == 'qemu+tcp://10.0.0.2/system'
    assert params == {'migrate_uri': 'tcp://10.0.0.2',
                      'migrate_disks': ['vda', 'vdb']}
    assert flags == (lm.VIR_MIGRATE_LIVE | lm.VIR_MIGRATE_PEER2PEER |
                     lm.VIR_MIGRATE_PERSIST_DEST |
                     lm.VIR_MIGRATE_UNDEFINE_SOURCE |
                     lm.VIR_MIGRATE_NON_SHARED_INC)
    assert cb.post == [('ctx', inst, 'cpu2', True,
                        {'dest_addr': '10.0.0.2', 'dest_host': 'cpu2'})]
    assert cb.recover == []
    assert source._live_migrations == {}


def test_options_choose_uri_and_bandwidth(source, flags):
    flags.set(group='libvirt', live_migration_uri='qemu+ssh://n@%s/system',
              live_migration_bandwidth=50)
    domain = MigratingDomain()
    _live_migrate(source, domain, block=False)
    uri, params, flags_ = domain.migrate_args
    assert uri == 'qemu+ssh://n@10.0.0.2/system'
    assert params == {'migrate_uri': 'tcp://10.0.0.2', 'bandwidth': 50}
    assert not flags_ & lm.VIR_MIGRATE_NON_SHARED_INC


def test_another_state_path_sends_a_destination_xml(source, flags):
    flags.set(state_path=BASE)
    domain = MigratingDomain()
    _live_migrate(source, domain, migrate_data={
        'dest_addr': '10.0.0.2', 'dest_state_path': '/state/dst'})
    params = domain.migrate_args[1]
    assert '/state/dst/instances/u/disk' in params['destination_xml']
    assert params['persistent_xml'] == params['destination_xml']


def test_failure_calls_recover_method_and_never_raises(source):
    domain = MigratingDomain(fail='unable to connect to server')
    inst, cb = _live_migrate(source, domain,
                             callbacks=Callbacks(post_fails=True))
    assert cb.post == []
    [(ctx, instance, dest, md, error)] = cb.recover
    assert (ctx, instance, dest) == ('ctx', inst, 'cpu2')
    assert isinstance(error, exception.LiveMigrationError)
    assert 'unable to connect' in error.format_message()


def test_a_raising_post_method_does_not_raise_out(source):
    _inst, cb = _live_migrate(source, MigratingDomain(),
                              callbacks=Callbacks(post_fails=True))
    assert len(cb.post) == 1


def test_a_guest_that_is_gone_is_recovered_not_raised(source):
    class Gone(MigratingDomain):
        def XMLDesc(self, flags):
            raise FakeLibvirtError('no domain', G.VIR_ERR_NO_DOMAIN)

    _inst, cb = _live_migrate(source, Gone())
    assert isinstance(cb.recover[0][4],
                      exception.InstanceNotFoundOnHypervisor)


@pytest.fixture
def fast_polls():
    with mock.patch.object(lm, 'POLL_INTERVAL', 0.01), \
            mock.patch.object(lm, 'SAVE_INTERVAL', 0.05):
        yield


def _in_background(drv, domain, migration=None):
    """Start live_migration on a green thread; wait until libvirt runs it
    and the monitor has seen it."""
    cb = Callbacks()
    drv._host = FakeHost(domain)
    inst = make_instance(uuid='u')
    thread = utils.spawn(drv.live_migration, 'ctx', inst, 'cpu2',
                         cb.post_method, cb.recover_method, True,
                         {'dest_addr': '10.0.0.2'}, migration)
    for _ in range(200):
        utils.sleep(0.01)
        if domain.started.is_set() and 'u' in drv._live_migrations:
            break
    utils.sleep(0.1)
    return inst, cb, thread


def test_abort_recovers_and_progress_was_saved(source, fast_polls):
    domain = MigratingDomain(hold=True)
    migration = FakeMigration()
    inst, cb, thread = _in_background(source, domain, migration)
    source.live_migration_abort(inst)
    thread.wait()
    assert domain.aborted
    assert cb.post == []
    assert 'aborted on request' in cb.recover[0][4].format_message()
    assert migration.saved[0]['memory_processed'] == 500
    assert migration.saved[0]['disk_total'] == 100
    with pytest.raises(exception.MigrationError):
        source.live_migration_abort(inst)


def test_force_complete_pauses_the_guest_and_success_saves_the_end(
        source, fast_polls):
    domain = MigratingDomain(hold=True)
    migration = FakeMigration()
    inst, cb, thread = _in_background(source, domain, migration)
    source.live_migration_force_complete(inst)
    thread.wait()
    assert domain.suspended
    assert len(cb.post) == 1
    assert migration.saved[-1]['memory_remaining'] == 0
    assert migration.saved[-1]['memory_processed'] == 1000
    with pytest.raises(exception.MigrationError):
        source.live_migration_force_complete(inst)


def test_no_migration_no_abort(source):
    with pytest.raises(exception.MigrationError, match='no live migration'):
        source.live_migration_abort(make_instance())
    with pytest.raises(exception.MigrationError, match='no live migration'):
        source.live_migration_force_complete(make_instance())


# ---- checks and the destination, on test:///default ----------------------

@pytest.fixture
def hosts(flags, tmp_path):
    flags.set(group='libvirt', connection_uri='test:///default',
              disk_transfer_listen='127.0.0.1', disk_transfer_port=0)
    two = Hosts(flags, tmp_path)
    yield two
    two.cleanup()


def _spawn(hosts, config_drive=True):
    src = hosts.on('src')
    inst = make_instance(host='src', node='src')
    with mock.patch('nova_lite.virt.configdrive.required_by',
                    return_value=config_drive), \
            mock.patch('nova_lite.virt.configdrive.build',
                       side_effect=lambda path, *a: open(path, 'wb').write(
                           b'iso')):
        src.spawn(None, inst, image_meta={}, injected_files=[],
                  admin_password=None, allocations={})
    with open(os.path.join(src._instance_dir(inst), 'console.log'), 'w') as f:
        f.write('booted on src\n')
    return src, inst


@needs_libvirt
def test_destination_check_and_its_cleanup(hosts):
    dst = hosts.on('dst')
    md = dst.check_can_live_migrate_destination(
        None, make_instance(), {'hypervisor_type': 'TEST', 'cpu_info': '{}'},
        {}, block_migration=None)
    assert md['dest_host'] == 'dst'
    assert md['dest_addr'] == '127.0.0.1'
    assert md['block_migration'] is None
    assert md['disk_available_mb'] > 0
    marker = os.path.join(hosts.state['dst'], 'instances', md['filename'])
    assert os.path.exists(marker)
    dst.cleanup_live_migration_destination_check(None, md)
    assert not os.path.exists(marker)
    dst.cleanup_live_migration_destination_check(None, md)


@needs_libvirt
def test_destination_check_refuses_another_hypervisor(hosts):
    dst = hosts.on('dst')
    with pytest.raises(exception.MigrationPreCheckError):
        dst.check_can_live_migrate_destination(
            None, make_instance(), {'hypervisor_type': 'QEMU'}, {})


@needs_libvirt
@pytest.mark.parametrize('virt_type, cpu_mode, compared', [
    ('kvm', 'host-model', True), ('kvm', None, False),
    ('qemu', 'host-model', False)])
def test_cpu_compared_only_for_kvm_with_a_cpu_mode(hosts, flags, virt_type,
                                                   cpu_mode, compared):
    flags.set(group='libvirt', virt_type=virt_type, cpu_mode=cpu_mode)
    dst = hosts.on('dst')
    cpu_info = json.dumps({'arch': 'x86_64', 'model': 'Haswell',
                           'vendor': 'Intel', 'features': ['vmx'],
                           'topology': {'sockets': 1, 'cores': 2,
                                        'threads': 1}})
    with mock.patch.object(dst, '_domain_type', return_value=virt_type), \
            mock.patch.object(dst._host, 'compare_cpu',
                              return_value=0) as compare:
        if compared:
            with pytest.raises(exception.InvalidCPUInfo):
                dst.check_can_live_migrate_destination(
                    None, make_instance(), {'cpu_info': cpu_info}, {})
            xml = compare.call_args[0][0]
            assert '<model>Haswell</model>' in xml
            assert '<feature name="vmx" />' in xml
        else:
            dst.check_can_live_migrate_destination(
                None, make_instance(), {'cpu_info': cpu_info}, {})
            compare.assert_not_called()


@needs_libvirt
def test_source_check_settles_block_migration(hosts):
    src, inst = _spawn(hosts)
    # One host (one instance path): shared, so no block migration.
    md = src.check_can_live_migrate_destination(None, inst, {}, {})
    checked = src.check_can_live_migrate_source(None, inst, md)
    assert checked['is_shared_instance_path'] is True
    assert checked['block_migration'] is False
    assert 'transfer' not in checked
    with pytest.raises(exception.InvalidLocalStorage):
        src.check_can_live_migrate_source(None, inst,
                                          dict(md, block_migration=True))
    src.cleanup_live_migration_destination_check(None, md)
    # Another host: not shared.
    dst = hosts.on('dst')
    md = dst.check_can_live_migrate_destination(None, inst, {}, {})
    hosts.on('src')
    with pytest.raises(exception.InvalidSharedStorage):
        src.check_can_live_migrate_source(None, inst,
                                          dict(md, block_migration=False))
    checked = src.check_can_live_migrate_source(None, inst, md)
    assert checked['is_shared_instance_path'] is False
    assert checked['block_migration'] is True
    assert checked['source_host'] == 'src'
    assert sorted(f['name'] for f in checked['transfer']['files']) == [
        '_base/' + imagecache.base_name(inst.image_ref), 'boot.json',
        'console.log', 'disk.config']
    assert [d['target'] for d in checked['source_disks']] == ['vda', 'hdd']
    with pytest.raises(exception.MigrationPreCheckError, match='need'):
        src.check_can_live_migrate_source(
            None, inst, dict(md, disk_available_mb=0))


@needs_libvirt
def test_source_check_refuses_a_stopped_guest(hosts):
    src, inst = _spawn(hosts)
    src.power_off(inst)
    with pytest.raises(exception.MigrationPreCheckError,
                       match='not running'):
        src.check_can_live_migrate_source(None, inst, {})


@needs_libvirt
def test_instance_disk_info(hosts):
    src, inst = _spawn(hosts)
    disks = json.loads(src.get_instance_disk_info(inst))
    root, config = disks
    assert root['path'] == os.path.join(src._instance_dir(inst), 'disk')
    assert (root['type'], root['target'], root['readonly']) == (
        'qcow2', 'vda', False)
    assert root['virt_disk_size'] == 1024 ** 3
    assert root['backing_file'] == imagecache.base_name(inst.image_ref)
    assert root['backing_format'] == 'raw'
    assert (config['type'], config['readonly']) == ('raw', True)


@needs_libvirt
def test_pre_live_migration_then_rollback(hosts):
    from nova_lite.virt.libvirt import imagebackend
    src, inst = _spawn(hosts)
    dst = hosts.on('dst')
    md = dst.check_can_live_migrate_destination(None, inst, {}, {})
    hosts.on('src')
    md = src.check_can_live_migrate_source(None, inst, md)
    disk_info = src.get_instance_disk_info(inst)
    # The source's paths as the destination would see them (the two
    # test hosts share one file system and one hypervisor).
    dst = hosts.on('dst')
    md = dst.pre_live_migration(None, inst, [], disk_info, md)
    assert md['dest_addr'] == '127.0.0.1'
    dst_dir = dst._instance_dir(inst)
    assert sorted(os.listdir(dst_dir)) == ['boot.json', 'console.log',
                                           'disk', 'disk.config']
    with open(os.path.join(dst_dir, 'console.log')) as f:
        assert f.read() == 'booted on src\n'
    info = imagebackend.qemu_img_info(os.path.join(dst_dir, 'disk'), 'qcow2')
    assert info['virtual-size'] == 1024 ** 3
    assert info['backing-filename'] == os.path.join(
        hosts.state['dst'], '_base', imagecache.base_name(inst.image_ref))
    # A second attempt finds the directory.
    with pytest.raises(exception.MigrationError, match='exists already'):
        dst.pre_live_migration(None, inst, [], disk_info, md)
    dst.rollback_live_migration_at_destination(None, inst, [],
                                               migrate_data=md)
    assert not os.path.exists(dst_dir)
    dst.rollback_live_migration_at_destination(None, inst, [],
                                               migrate_data=md)
    hosts.on('src')
    src.post_live_migration(None, inst, md)
    assert not os.path.exists(src._instance_dir(inst))
    assert src._disk_transfer.offers_of(inst.uuid) == []


@needs_libvirt
def test_pre_live_migration_failure_leaves_nothing(hosts):
    src, inst = _spawn(hosts)
    dst = hosts.on('dst')
    md = dst.check_can_live_migrate_destination(None, inst, {}, {})
    hosts.on('src')
    md = src.check_can_live_migrate_source(None, inst, md)
    src._revoke_offers(inst)
    dst = hosts.on('dst')
    # disk_info None: the disks come from migrate_data['source_disks'].
    with pytest.raises(exception.MigrationError, match='403'):
        dst.pre_live_migration(None, inst, [], None, md)
    assert not os.path.exists(dst._instance_dir(inst))


@needs_libvirt
def test_shared_path_prepares_only_the_networks(hosts):
    src, inst = _spawn(hosts)
    with mock.patch.object(src, '_plug_vifs') as plug:
        md = src.pre_live_migration(None, inst, ['vif'], None,
                                    {'is_shared_instance_path': True,
                                     'block_migration': False})
    plug.assert_called_once_with(['vif'])
    assert md['dest_addr'] == CONF.my_ip
    assert os.path.exists(src._instance_dir(inst))


@needs_libvirt
def test_post_live_migration_at_destination_records_the_nics(hosts):
    src, inst = _spawn(hosts)
    src.post_live_migration_at_destination(None, inst, [{'id': 'vif-1'}])
    assert src._load_boot_info(inst)['network_info'] == [{'id': 'vif-1'}]
    assert src.get_info(inst).state == power_state.RUNNING
