"""Reports a compute host's inventory, read from its virt driver, so the
scheduler can place instances on it.

Usage is not tracked here: the scheduler's claims in the database are the
single record of what each instance holds.
"""

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import objects

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def _ratio(configured, initial):
    return configured if configured is not None else initial


class ResourceTracker:
    def __init__(self, host, driver):
        self.host = host
        self.driver = driver
        self.compute_nodes = {}

    def update_available_resource(self, context):
        """Report every node of the driver; returns the ComputeNodes."""
        for nodename in self.driver.get_available_nodes(refresh=True):
            resources = self.driver.get_available_resource(nodename)
            inventory = {
                'hypervisor_type': resources['hypervisor_type'],
                'hypervisor_version': resources['hypervisor_version'],
                'host_ip': CONF.my_ip,
                'vcpus': resources['vcpus'],
                'memory_mb': resources['memory_mb'],
                'local_gb': resources['local_gb'],
                'reserved_vcpus': CONF.reserved_host_cpus,
                'reserved_memory_mb': CONF.reserved_host_memory_mb,
                'reserved_disk_gb': -(-CONF.reserved_host_disk_mb // 1024),
                'cpu_allocation_ratio': _ratio(
                    CONF.cpu_allocation_ratio,
                    CONF.initial_cpu_allocation_ratio),
                'ram_allocation_ratio': _ratio(
                    CONF.ram_allocation_ratio,
                    CONF.initial_ram_allocation_ratio),
                'disk_allocation_ratio': _ratio(
                    CONF.disk_allocation_ratio,
                    CONF.initial_disk_allocation_ratio),
                'cpu_info': resources.get('cpu_info'),
            }
            node = objects.ComputeNode.update_or_create(
                context, self.host, nodename, inventory)
            self.compute_nodes[nodename] = node
        return list(self.compute_nodes.values())
