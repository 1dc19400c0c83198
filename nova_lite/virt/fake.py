"""FakeDriver: an in-memory hypervisor sized by [fake_driver]."""

import collections
import json
import threading

from oslo_log import log as logging

from nova_lite.compute import power_state
from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite import utils
from nova_lite.virt import driver

LOG = logging.getLogger(__name__)

# NOTE: the lines the test guest (nova_lite/tools/test_guest) prints on its
# serial console, so that tests can look for the same words on either driver.
READY_MARKER = 'NOVA-LITE-GUEST-READY'
POWEROFF_MARKER = 'NOVA-LITE-GUEST-POWEROFF'
# A console log is bounded, as the libvirt driver bounds what it reads.
MAX_CONSOLE_LINES = 1000


class FakeInstance:
    """One guest of the fake hypervisor, with its console log."""

    def __init__(self, name, uuid, flavor, state):
        self.name = name
        self.uuid = uuid
        self.flavor = flavor
        self.state = state
        self.console = collections.deque(maxlen=MAX_CONSOLE_LINES)

    def boot(self):
        """Start (again): RUNNING, and the boot lines on the console."""
        self.state = power_state.RUNNING
        self.console.append('FAKE CONSOLE OUTPUT of instance %s: booting %s'
                            % (self.uuid, self.name))
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

    def __init__(self, virtapi):
        super().__init__(virtapi)
        # NOTE: a plain lock is enough: nothing sleeps while holding it, so
        # green threads never contend on it, and under monkey patching it is
        # a green lock anyway.
        self._lock = threading.Lock()
        self._instances = {}
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

    def get_console_output(self, context, instance):
        """The guest's console: its boot and shutdown lines, newest last."""
        with self._lock:
            lines = list(self._get(instance).console)
        return ''.join(line + '\n' for line in lines)
