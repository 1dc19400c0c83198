"""Scheduler test helpers: config overrides, sqlite database, hosts, specs."""

import datetime
import json

from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite import conf
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import service_api as service_db
from nova_lite import objects
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import host_manager

CONF = conf.CONF
objects.register_all()

CPU_INFO = json.dumps({'arch': 'x86_64', 'model': 'fake'})


# ---- in-memory objects -----------------------------------------------------

def make_node(host='host-a', nodename=None, node_id=1, **kw):
    values = dict(
        id=node_id, uuid=uuidutils.generate_uuid(), host=host,
        hypervisor_hostname=nodename or host, hypervisor_type='fake',
        hypervisor_version=1000, vcpus=8, memory_mb=8192, local_gb=100,
        reserved_vcpus=0, reserved_memory_mb=0, reserved_disk_gb=0,
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0,
        disk_allocation_ratio=1.0, generation=0, cpu_info=CPU_INFO)
    values.update(kw)
    return objects.ComputeNode(**values)


def make_service(host='host-a', up=True, disabled=False, forced_down=False,
                 disabled_reason=None):
    now = timeutils.utcnow(True)
    seen = now if up else now - datetime.timedelta(
        seconds=CONF.service_down_time * 2)
    return objects.Service(
        id=1, uuid=uuidutils.generate_uuid(), host=host,
        binary=service_obj.COMPUTE_BINARY, disabled=disabled,
        disabled_reason=disabled_reason, forced_down=forced_down,
        last_seen_up=seen, created_at=seen, updated_at=seen)


_NO_SERVICE = object()


def make_host_state(host='host-a', used=None, service=_NO_SERVICE, az=None,
                    node_id=1, **node_kw):
    """A HostState built the way the host manager builds one."""
    node = make_node(host=host, node_id=node_id, **node_kw)
    if service is _NO_SERVICE:
        service = make_service(host)
    return host_manager.HostState(
        node, service, used or {},
        az or host_manager.availability_zone_of(host))


def make_spec(vcpus=1, memory_mb=512, root_gb=1, ephemeral_gb=0, swap=0,
              extra_specs=None, image_props=None, **kw):
    flavor = objects.Flavor(vcpus=vcpus, memory_mb=memory_mb,
                            root_gb=root_gb, ephemeral_gb=ephemeral_gb,
                            swap=swap, extra_specs=extra_specs or {})
    image = objects.ImageMeta(id=uuidutils.generate_uuid(),
                              properties=image_props or {})
    values = dict(instance_uuid=uuidutils.generate_uuid(), project_id='p',
                  user_id='u', flavor=flavor, image=image, num_instances=1)
    values.update(kw)
    return objects.RequestSpec(**values)


# ---- rows in the database --------------------------------------------------

def add_host(host, vcpus=4, memory_mb=4096, local_gb=40, up=True,
             disabled=False, **node_kw):
    """A compute service and its node in the database.

    :returns: the compute node row.
    """
    service = service_db.service_create({'uuid': uuidutils.generate_uuid(),
                                         'host': host,
                                         'binary': service_obj.COMPUTE_BINARY,
                                         'disabled': disabled})
    if up:
        service_db.service_heartbeat(service.id)
    else:
        # NOTE: a heartbeat older than service_down_time means down.
        service_db.service_update(service.id, {
            'last_seen_up': timeutils.utcnow() - datetime.timedelta(
                seconds=CONF.service_down_time * 2)})
    values = dict(hypervisor_type='fake', vcpus=vcpus, memory_mb=memory_mb,
                  local_gb=local_gb, cpu_allocation_ratio=1.0,
                  ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
                  cpu_info=CPU_INFO)
    values.update(node_kw)
    return node_db.compute_node_create_or_update(host, host, values)


def used_on(node_id):
    """What is allocated on a node, per resource class."""
    return node_db.allocation_usages().get(node_id, {})
