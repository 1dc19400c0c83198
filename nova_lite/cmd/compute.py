"""nova-lite-compute: one hypervisor host. It has no database access."""

from nova_lite.cmd import common
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import context as nova_context
from nova_lite.objects import base as objects_base
from nova_lite.objects import service as service_obj


def _use_conductor():
    # NOTE: every object read or write of this process travels to the
    # conductor; a compute host holds no database credentials.
    conductor = conductor_rpcapi.ConductorAPI()
    objects_base.NovaObject.indirection_api = conductor
    conductor.wait_until_ready(nova_context.get_admin_context())


def main():
    common.serve(service_obj.COMPUTE_BINARY, before_start=_use_conductor)
