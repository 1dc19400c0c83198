"""Hands every option to oslo-config-generator, grouped as registered."""

import collections

from nova_lite import conf


def list_opts():
    grouped = collections.defaultdict(list)
    for module in conf._MODULES:
        for group, opts in module.list_opts().items():
            grouped[group].extend(opts)
    return [(group, opts) for group, opts in grouped.items()]
