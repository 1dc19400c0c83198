"""Default policy rules, one module per API resource."""

import itertools

from nova_lite.policies import base
from nova_lite.policies import console_output
from nova_lite.policies import flavor_extra_specs
from nova_lite.policies import flavor_manage
from nova_lite.policies import ips
from nova_lite.policies import keypairs
from nova_lite.policies import networks
from nova_lite.policies import servers
from nova_lite.policies import services


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        servers.list_rules(),
        console_output.list_rules(),
        flavor_manage.list_rules(),
        flavor_extra_specs.list_rules(),
        keypairs.list_rules(),
        ips.list_rules(),
        networks.list_rules(),
        services.list_rules(),
    ))
