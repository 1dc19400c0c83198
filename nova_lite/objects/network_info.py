"""The network model: an instance's NICs as Nova describes them.

``NetworkInfo`` is a list of ``VIF`` s, each a dict (so it is its own JSON
form) nesting a ``Network`` with ``Subnet`` s, their ``IP`` s, routes and
DNS servers. The keys are Nova's, so the API's address views, the config
drive's ``network_data.json`` and the libvirt interfaces read it as they
would read Nova's. Nothing here touches a database or a host.
"""

import json

VIF_TYPE_BRIDGE = 'bridge'
# NOTE: Linux allows 15 characters in a device name; "tap" and 11
# characters of the VIF's id fit, as in Nova.
NIC_NAME_LEN = 14


class Model(dict):
    """A dict whose items are the model's fields."""

    def __init__(self, **fields):
        super().__init__()
        self.update(fields)

    def get_meta(self, key, default=None):
        return (self.get('meta') or {}).get(key, default)

    @classmethod
    def hydrate(cls, data):
        """Rebuild a model object from its plain-dict form."""
        return cls(**data) if data is not None else None


class IP(Model):
    """An address: ``address``, ``type`` (fixed, gateway, dns) and
    ``version``."""

    def __init__(self, address=None, type=None, version=None, **fields):
        super().__init__(address=address, type=type,
                         version=version or (6 if ':' in str(address or '')
                                             else 4),
                         **fields)


class FixedIP(IP):
    """An address a VIF holds; it may carry ``floating_ips`` (none here)."""

    def __init__(self, floating_ips=None, **fields):
        fields.setdefault('type', 'fixed')
        super().__init__(floating_ips=list(floating_ips or []), **fields)


class Route(Model):
    def __init__(self, cidr=None, gateway=None, interface=None, **fields):
        super().__init__(cidr=cidr, gateway=gateway, interface=interface,
                         **fields)

    @classmethod
    def hydrate(cls, data):
        route = cls(**data)
        route['gateway'] = IP.hydrate(route['gateway'])
        return route


class Subnet(Model):
    """``cidr``, ``gateway``, ``dns`` servers, ``ips`` held and ``routes``."""

    def __init__(self, cidr=None, gateway=None, dns=None, ips=None,
                 routes=None, version=None, **fields):
        super().__init__(cidr=cidr, gateway=gateway, dns=list(dns or []),
                         ips=list(ips or []), routes=list(routes or []),
                         version=version or (6 if ':' in str(cidr or '')
                                             else 4),
                         **fields)

    @classmethod
    def hydrate(cls, data):
        subnet = cls(**data)
        subnet['gateway'] = IP.hydrate(subnet['gateway'])
        subnet['dns'] = [IP.hydrate(ip) for ip in subnet['dns']]
        subnet['ips'] = [FixedIP.hydrate(ip) for ip in subnet['ips']]
        subnet['routes'] = [Route.hydrate(r) for r in subnet['routes']]
        return subnet


class Network(Model):
    """``id`` (uuid), ``label``, ``bridge``, ``subnets``; ``meta`` holds
    ``mtu``."""

    def __init__(self, id=None, bridge=None, label=None, subnets=None,
                 meta=None, **fields):
        super().__init__(id=id, bridge=bridge, label=label,
                         subnets=list(subnets or []), meta=dict(meta or {}),
                         **fields)

    @classmethod
    def hydrate(cls, data):
        network = cls(**data)
        network['subnets'] = [Subnet.hydrate(s) for s in network['subnets']]
        return network


class VIF(Model):
    """A NIC: ``id`` (uuid), ``address`` (MAC), ``network``, ``type`` and
    ``devname`` (the host's tap device)."""

    def __init__(self, id=None, address=None, network=None,
                 type=VIF_TYPE_BRIDGE, devname=None, details=None,
                 active=False, meta=None, **fields):
        if devname is None and id:
            devname = ('tap' + id)[:NIC_NAME_LEN]
        super().__init__(id=id, address=address, network=network, type=type,
                         devname=devname, details=dict(details or {}),
                         active=active, meta=dict(meta or {}), **fields)

    @classmethod
    def hydrate(cls, data):
        vif = cls(**data)
        vif['network'] = Network.hydrate(vif['network'])
        return vif

    def fixed_ips(self):
        """The fixed IPs of this VIF, over all its subnets."""
        return [ip for subnet in (self['network'] or {}).get('subnets', [])
                for ip in subnet['ips'] if ip.get('type') == 'fixed']


class NetworkInfo(list):
    """The VIFs of one instance, in the order the guest sees its NICs."""

    def fixed_ips(self):
        return [ip for vif in self for ip in vif.fixed_ips()]

    def labels(self):
        """Network labels, in NIC order, each once."""
        seen = []
        for vif in self:
            label = (vif.get('network') or {}).get('label')
            if label not in seen:
                seen.append(label)
        return seen

    def json(self):
        return json.dumps(self)

    @classmethod
    def hydrate(cls, data):
        """From a list of VIF dicts, or its JSON text (None or '' is an
        instance without NICs)."""
        if not data:
            return cls()
        if isinstance(data, str):
            data = json.loads(data)
        return cls(VIF.hydrate(vif) for vif in data)
