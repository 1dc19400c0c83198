"""Hands every option to oslo-config-generator, grouped as registered."""

import collections
import copy

from oslo_privsep import priv_context

from nova_lite import conf
from nova_lite import privsep


def list_opts():
    grouped = collections.defaultdict(list)
    for module in conf._MODULES:
        for group, opts in module.list_opts().items():
            grouped[group].extend(opts)
    # NOTE: oslo.privsep's options, once per privileged context (each its
    # own section: its capabilities, user, helper_command).
    for context in privsep.CONTEXTS:
        grouped[context.cfg_section].extend(
            copy.deepcopy(priv_context.OPTS))
    return [(group, opts) for group, opts in grouped.items()]
