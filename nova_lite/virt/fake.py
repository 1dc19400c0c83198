"""FakeDriver: an in-memory hypervisor sized by [fake_driver]."""

import collections
import json
import os
import tempfile
import threading
import time

from oslo_log import log as logging

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite import utils
from nova_lite.virt import configdrive
from nova_lite.virt import driver

LOG = logging.getLogger(__name__)

# NOTE: the lines the test guest (nova_lite/tools/test_guest) prints on its
# serial console, so that tests can look for the same words on either driver.
READY_MARKER = 'NOVA-LITE-GUEST-READY'
POWEROFF_MARKER = 'NOVA-LITE-GUEST-POWEROFF'
# A console log is bounded, as the libvirt driver bounds what it reads.
MAX_CONSOLE_LINES = 1000
# What a fake host answers for its uptime, in uptime(1)'s shape.
FAKE_UPTIME = (' 08:32:11 up 93 days, 18:25, 12 users,  load average:'
               ' 0.20, 0.12, 0.14')


class FakeInstance:
    """One guest of the fake hypervisor, with its console log."""

    def __init__(self, name, uuid, flavor, state):
        self.name = name
        self.uuid = uuid
        self.flavor = flavor
        self.state = state
        self.console = collections.deque(maxlen=MAX_CONSOLE_LINES)
        self.rescued = False
        self.booted_at = None

    def boot(self):
        """Start (again): RUNNING, and the boot lines on the console."""
        self.state = power_state.RUNNING
        self.booted_at = time.monotonic()
        # NOTE: a few lines per boot, as a real guest prints many: clients
        # (tempest among them) check that a log without a limit is longer
        # than one cut at a few lines.
        self.console.append('FAKE CONSOLE OUTPUT of instance %s: booting %s'
                            % (self.uuid, self.name))
        self.console.append('fake firmware: booting from the root disk')
        self.console.append('fake kernel: booting with %s vCPUs and %s MiB'
                            % (getattr(self.flavor, 'vcpus', '?'),
                               getattr(self.flavor, 'memory_mb', '?')))
        self.console.append('%s uuid=%s' % (READY_MARKER, self.uuid))

    def halt(self, clean):
        """Stop: SHUTDOWN; a clean stop is the guest OS's own doing."""
        if self.state != power_state.RUNNING:
            self.state = power_state.SHUTDOWN
            return
        if clean:
            self.console.append(POWEROFF_MARKER)
        else:
            self.console.append('fake hypervisor: guest %s powered off'
                                % self.name)
        self.state = power_state.SHUTDOWN


class FakeDriver(driver.ComputeDriver):
    """A hypervisor that keeps its guests in a dict.

    Each driver object is its own host, so several fake computes can share
    one process (nova-lite-all, scale tests). Size and behaviour are read
    from ``[fake_driver]`` on every call, so tests can change them through
    the config fixture on a live driver.
    """

    def __init__(self, virtapi, image_api=None):
        super().__init__(virtapi, image_api)
        # NOTE: a plain lock is enough: nothing sleeps while holding it, so
        # green threads never contend on it, and under monkey patching it is
        # a green lock anyway.
        self._lock = threading.Lock()
        self._instances = {}
        # NOTE: guests a resize set aside on this (source) host, by uuid,
        # until the resize is confirmed or reverted.
        self._resize_saved = {}
        # NOTE: the live migrations running from this host, by uuid: a
        # flag an abort or force-complete sets.
        self._migrating = {}
        self._host = None

    @property
    def _nodename(self):
        return self._host or CONF.host

    def init_host(self, host):
        self._host = host

    def get_available_nodes(self, refresh=False):
        return [self._nodename]

    def get_available_resource(self, nodename):
        conf = CONF.fake_driver
        with self._lock:
            flavors = [i.flavor for i in self._instances.values()]
        return {
            'vcpus': conf.vcpus,
            'memory_mb': conf.memory_mb,
            'local_gb': conf.local_gb,
            'vcpus_used': sum(f.vcpus for f in flavors),
            'memory_mb_used': sum(f.memory_mb for f in flavors),
            'local_gb_used': sum(f.root_gb + f.ephemeral_gb for f in flavors),
            'hypervisor_type': conf.hypervisor_type,
            'hypervisor_version': 1000,
            'hypervisor_hostname': nodename,
            'cpu_info': json.dumps({'arch': 'x86_64', 'model': 'fake',
                                    'vendor': 'nova-lite',
                                    'topology': {'sockets': 1,
                                                 'cores': conf.vcpus,
                                                 'threads': 1},
                                    'features': []}),
        }

    def list_instances(self):
        with self._lock:
            return [i.name for i in self._instances.values()]

    def list_instance_uuids(self):
        with self._lock:
            return list(self._instances)

    def list_guest_names(self):
        with self._lock:
            return {uuid: i.name for uuid, i in self._instances.items()}

    def _get(self, instance):
        try:
            return self._instances[instance.uuid]
        except KeyError:
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid) from None

    def _set_state(self, instance, state):
        with self._lock:
            self._get(instance).state = state

    def get_info(self, instance):
        with self._lock:
            return driver.InstanceInfo(state=self._get(instance).state,
                                       internal_id=instance.name)

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        # NOTE: network_info is accepted and ignored: the fake hypervisor
        # has no NICs to plug.
        if CONF.fake_driver.fail_spawn:
            raise exception.InstanceDeployFailure(
                reason='fake hypervisor on host %s is told to fail spawns '
                       '([fake_driver] fail_spawn)' % self._nodename)
        with self._lock:
            if instance.uuid in self._instances:
                raise exception.InstanceExists(name=instance.name)
            # NOTE: the guest is listed (NOSTATE) before the delay, so a
            # second spawn of the same instance during it fails and the
            # resource report already counts it, as a real host would.
            self._instances[instance.uuid] = FakeInstance(
                instance.name, instance.uuid, instance.flavor,
                power_state.NOSTATE)
        delay = CONF.fake_driver.spawn_delay
        if delay:
            utils.sleep(delay)
        with self._lock:
            guest = self._instances.get(instance.uuid)
            if guest is None:
                # NOTE: destroyed while it was being built; the contract of
                # spawn is a running guest, and there is none.
                raise exception.InstanceDeployFailure(
                    reason='instance %s was deleted during spawn on host %s'
                           % (instance.uuid, self._nodename))
            guest.boot()
        LOG.debug('Fake spawn of %s done', instance.uuid)

    def destroy(self, context, instance, network_info=None,
                block_device_info=None, destroy_disks=True):
        with self._lock:
            self._instances.pop(instance.uuid, None)

    @staticmethod
    def _power_action_delay():
        # NOTE: outside the lock, so other guests' calls go on meanwhile.
        delay = CONF.fake_driver.power_action_delay
        if delay:
            utils.sleep(delay)

    def reboot(self, context, instance, network_info, reboot_type):
        """Restart the guest; SOFT shuts its OS down first."""
        self._power_action_delay()
        with self._lock:
            guest = self._get(instance)
            guest.halt(clean=reboot_type == 'SOFT')
            guest.boot()

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest; with a timeout its OS shuts down first."""
        self._power_action_delay()
        with self._lock:
            self._get(instance).halt(clean=bool(timeout))

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        self._power_action_delay()
        with self._lock:
            guest = self._get(instance)
            if guest.state != power_state.RUNNING:
                guest.boot()

    def pause(self, instance):
        self._set_state(instance, power_state.PAUSED)

    def unpause(self, instance):
        self._set_state(instance, power_state.RUNNING)

    def suspend(self, instance):
        self._set_state(instance, power_state.SUSPENDED)

    def resume(self, instance):
        self._set_state(instance, power_state.RUNNING)

    def get_host_uptime(self):
        """A fixed uptime(1) line: a fake host is always up this long."""
        return FAKE_UPTIME

    def get_console_output(self, context, instance):
        """The guest's console: its boot and shutdown lines, newest last."""
        with self._lock:
            lines = list(self._get(instance).console)
        return ''.join(line + '\n' for line in lines)

    def _guest_figures(self, instance):
        """(state name, seconds since boot, vcpus, memory MiB, NICs) of
        the guest; its counters grow with its uptime, as a real guest's."""
        with self._lock:
            guest = self._get(instance)
            state = guest.state
            booted_at = guest.booted_at
        uptime = int(time.monotonic() - booted_at) if booted_at else 0
        flavor = instance.flavor
        is_set = getattr(instance, 'obj_attr_is_set', None)
        nics = (list(getattr(instance, 'network_info', None) or [])
                if is_set is None or is_set('network_info') else [])
        return (power_state.STATE_MAP[state], uptime, flavor.vcpus,
                flavor.memory_mb, nics)

    @staticmethod
    def _fake_counters(uptime, index):
        """Plausible counters of a quiet guest ``uptime`` seconds old."""
        seconds = uptime + 1
        return {'cpu_time': seconds * 10 ** 8 + index,
                'rx': seconds * 1500, 'rx_packets': seconds * 3,
                'tx': seconds * 500, 'tx_packets': seconds,
                'read': seconds * 4096 + 262144, 'read_req': seconds + 112,
                'write': seconds * 8192, 'write_req': seconds * 2}

    def get_diagnostics(self, instance):
        """The fake guest's counters in the libvirt driver's flat
        words, one vCPU per flavor vCPU, disk ``vda``, a tap per NIC."""
        _state, uptime, vcpus, memory_mb, nics = self._guest_figures(
            instance)
        counters = self._fake_counters(uptime, 0)
        result = {'cpu%d_time' % i: counters['cpu_time'] + i
                  for i in range(vcpus)}
        result.update({'memory': memory_mb * 1024,
                       'vda_read': counters['read'],
                       'vda_read_req': counters['read_req'],
                       'vda_write': counters['write'],
                       'vda_write_req': counters['write_req'],
                       'vda_errors': -1})
        for vif in nics:
            tap = ('tap' + vif['id'])[:14]
            result.update({'%s_rx' % tap: counters['rx'],
                           '%s_rx_drop' % tap: 0,
                           '%s_rx_errors' % tap: 0,
                           '%s_rx_packets' % tap: counters['rx_packets'],
                           '%s_tx' % tap: counters['tx'],
                           '%s_tx_drop' % tap: 0,
                           '%s_tx_errors' % tap: 0,
                           '%s_tx_packets' % tap: counters['tx_packets']})
        return result

    def get_instance_diagnostics(self, instance):
        """The fake guest's figures in the standard shape: the flavor's
        vCPUs and memory, one disk, a NIC per VIF."""
        state, uptime, vcpus, memory_mb, nics = self._guest_figures(
            instance)
        counters = self._fake_counters(uptime, 0)
        # NOTE: 'libvirt', as Nova's fake driver says: the API's schema
        # (Nova's and tempest's) allows only real drivers' names here.
        return {
            'state': state,
            'driver': 'libvirt',
            'hypervisor': 'fake',
            'hypervisor_os': 'fake-os',
            'uptime': uptime,
            'config_drive': configdrive.required_by(instance),
            'num_cpus': vcpus,
            'num_nics': len(nics),
            'num_disks': 1,
            'memory_details': {'maximum': memory_mb,
                               'used': memory_mb // 2},
            'cpu_details': [{'id': i, 'time': counters['cpu_time'] + i,
                             'utilisation': 10}
                            for i in range(vcpus)],
            'nic_details': [{'mac_address': vif['address'],
                             'rx_octets': counters['rx'], 'rx_errors': 0,
                             'rx_drop': 0,
                             'rx_packets': counters['rx_packets'],
                             'rx_rate': None,
                             'tx_octets': counters['tx'], 'tx_errors': 0,
                             'tx_drop': 0,
                             'tx_packets': counters['tx_packets'],
                             'tx_rate': None}
                            for vif in nics],
            'disk_details': [{'read_bytes': counters['read'],
                              'read_requests': counters['read_req'],
                              'write_bytes': counters['write'],
                              'write_requests': counters['write_req'],
                              'errors_count': 0}],
        }

    # ---- snapshot and rescue ----------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload a few bytes naming the guest, so the image goes active
        as a real snapshot's would; each step takes
        ``power_action_delay``."""
        with self._lock:
            self._get(instance)
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        self._power_action_delay()
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        self._power_action_delay()
        fd, path = tempfile.mkstemp(prefix='fake-snapshot-')
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(('fake snapshot of instance %s\n'
                         % instance.uuid).encode() * 16)
            self._image_api.upload(context, image_id, path)
        finally:
            os.unlink(path)

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password):
        self._power_action_delay()
        with self._lock:
            guest = self._get(instance)
            guest.halt(clean=False)
            guest.console.append('fake hypervisor: rescue boot of %s from '
                                 'image %s' % (instance.uuid, image_meta.id))
            guest.boot()
            guest.rescued = True

    def unrescue(self, context, instance):
        self._power_action_delay()
        with self._lock:
            guest = self._get(instance)
            guest.halt(clean=False)
            guest.boot()
            guest.rescued = False

    # ---- resize ------------------------------------------------------------
    #
    # NOTE: as on libvirt, the stopped guest stays listed on its source
    # until the resize is confirmed (or reverted), with a copy set aside
    # for the revert; on one host the new guest takes its place.

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Stop the guest and set a copy aside; takes
        ``power_action_delay``."""
        if flavor.root_gb and flavor.root_gb < instance.flavor.root_gb:
            raise exception.ResizeError(reason='Unable to resize disk down.')
        self._power_action_delay()
        with self._lock:
            guest = self._get(instance)
            guest.halt(clean=bool(timeout))
            saved = FakeInstance(guest.name, guest.uuid, guest.flavor,
                                 guest.state)
            saved.console.extend(guest.console)
            self._resize_saved[instance.uuid] = saved
        return json.dumps({'source': self._nodename,
                           'root_gb': instance.flavor.root_gb})

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         block_device_info=None, power_on=True):
        self._power_action_delay()
        with self._lock:
            guest = FakeInstance(instance.name, instance.uuid,
                                 instance.flavor, power_state.SHUTDOWN)
            self._instances[instance.uuid] = guest
            if power_on:
                guest.boot()

    def confirm_migration(self, context, migration, instance, network_info):
        with self._lock:
            self._resize_saved.pop(instance.uuid, None)
            if migration.source_compute != migration.dest_compute:
                self._instances.pop(instance.uuid, None)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        self._power_action_delay()
        with self._lock:
            guest = self._resize_saved.pop(instance.uuid, None)
            if guest is None:
                raise exception.InstanceNotFoundOnHypervisor(
                    instance_id=instance.uuid)
            self._instances[instance.uuid] = guest
            if power_on:
                guest.boot()

    # ---- live migration ----------------------------------------------------
    #
    # NOTE: the fake hosts are separate processes: the destination makes
    # an incoming (paused) guest in pre_live_migration, the source drops
    # its own when the move ends, and the destination's guest runs once
    # the move is posted there.

    def check_can_live_migrate_destination(self, context, instance,
                                           src_compute_info,
                                           dst_compute_info,
                                           block_migration=None):
        return {'dest_host': self._nodename, 'dest_addr': CONF.my_ip,
                'block_migration': block_migration}

    def cleanup_live_migration_destination_check(self, context,
                                                 migrate_data):
        pass

    def check_can_live_migrate_source(self, context, instance, migrate_data):
        data = dict(migrate_data)
        data['source_host'] = self._nodename
        # NOTE: fake hosts share nothing: "auto" is a block migration.
        data['is_shared_instance_path'] = False
        if data.get('block_migration') is None:
            data['block_migration'] = True
        elif data['block_migration'] is False:
            raise exception.InvalidSharedStorage(
                path=instance.uuid,
                reason='the fake hosts share no storage; a live migration '
                       'without block migration needs it')
        state = self.get_info(instance).state
        if state not in (power_state.RUNNING, power_state.PAUSED):
            raise exception.MigrationPreCheckError(
                reason='the guest is not running')
        return data

    def get_instance_disk_info(self, instance):
        return json.dumps([])

    def pre_live_migration(self, context, instance, network_info, disk_info,
                           migrate_data):
        with self._lock:
            guest = FakeInstance(instance.name, instance.uuid,
                                 instance.flavor, power_state.PAUSED)
            self._instances[instance.uuid] = guest
        return dict(migrate_data)

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None, migration=None):
        flags = {'abort': False, 'force': False}
        with self._lock:
            self._migrating[instance.uuid] = flags
        try:
            deadline = CONF.fake_driver.live_migration_seconds
            waited = 0.0
            while waited < deadline and not (flags['abort'] or
                                             flags['force']):
                utils.sleep(0.1)
                waited += 0.1
                if migration is not None:
                    migration.memory_total = 1024
                    migration.memory_processed = int(
                        1024 * min(1.0, waited / deadline))
                    migration.memory_remaining = (
                        1024 - migration.memory_processed)
                    migration.save()
        finally:
            with self._lock:
                self._migrating.pop(instance.uuid, None)
        if flags['abort']:
            recover_method(context, instance, dest, migrate_data,
                           exception.MigrationError(reason='aborted'))
            return
        with self._lock:
            self._instances.pop(instance.uuid, None)
        post_method(context, instance, dest, block_migration, migrate_data)

    def _migration_flags(self, instance):
        with self._lock:
            flags = self._migrating.get(instance.uuid)
        if flags is None:
            raise exception.MigrationError(
                reason='no live migration of %s runs here' % instance.uuid)
        return flags

    def live_migration_force_complete(self, instance):
        self._migration_flags(instance)['force'] = True

    def live_migration_abort(self, instance):
        self._migration_flags(instance)['abort'] = True

    def post_live_migration(self, context, instance, migrate_data):
        pass

    def post_live_migration_at_source(self, context, instance,
                                      network_info):
        pass

    def post_live_migration_at_destination(self, context, instance,
                                           network_info,
                                           block_migration=False):
        with self._lock:
            guest = self._get(instance)
            # NOTE: a paused guest moves paused, as on libvirt.
            guest.state = (power_state.PAUSED
                           if instance.vm_state == 'paused'
                           else power_state.RUNNING)

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               destroy_disks=True,
                                               migrate_data=None):
        with self._lock:
            self._instances.pop(instance.uuid, None)
