"""nova-lite-scheduler: the scheduler service."""

from nova_lite.cmd import common


def main():
    common.serve('nova-lite-scheduler')
