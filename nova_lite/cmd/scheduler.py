"""nova-lite-scheduler: the scheduler service."""

from nova_lite.cmd import common
from nova_lite.objects import service as service_obj


def main():
    common.serve(service_obj.SCHEDULER_BINARY)
