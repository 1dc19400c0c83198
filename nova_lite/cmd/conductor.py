"""nova-lite-conductor: the conductor service."""

from nova_lite.cmd import common


def main():
    common.serve('nova-lite-conductor')
