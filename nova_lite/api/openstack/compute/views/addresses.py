"""Views of a server's addresses, grouped by network label."""

import collections


def networks_from_nw_info(nw_info):
    """``{label: {'ips': [...], 'floating_ips': [...]}}`` of ``nw_info``.

    ``nw_info`` is Nova's network info model: a list of VIFs, each
    ``{'address': mac, 'network': {'label': ..., 'subnets': [{'ips':
    [{'address', 'version', 'type', 'floating_ips': [...]}]}]}}``.
    """
    networks = collections.OrderedDict()
    for vif in nw_info or []:
        network = vif.get('network') or {}
        label = network.get('label')
        entry = networks.setdefault(label, {'ips': [], 'floating_ips': []})
        for subnet in network.get('subnets') or []:
            for ip in subnet.get('ips') or []:
                fixed = dict(ip, mac_address=vif.get('address'))
                fixed.setdefault('type', 'fixed')
                entry['ips'].append(fixed)
                for floating in ip.get('floating_ips') or []:
                    entry['floating_ips'].append(dict(
                        floating, type='floating',
                        mac_address=vif.get('address')))
    return networks


class ViewBuilder(object):

    def basic(self, ip, extend_address=False):
        view = {'version': ip['version'], 'addr': ip['address']}
        if extend_address:
            view['OS-EXT-IPS:type'] = ip['type']
            view['OS-EXT-IPS-MAC:mac_addr'] = ip['mac_address']
        return view

    def show(self, network, label, extend_address=False):
        """``{label: [address views]}`` of one network."""
        return {label: [self.basic(ip, extend_address)
                        for ip in network['ips'] + network['floating_ips']]}

    def index(self, networks, extend_address=False):
        """``{'addresses': {label: [address views]}}``."""
        addresses = collections.OrderedDict()
        for label, network in networks.items():
            addresses.update(self.show(network, label, extend_address))
        return {'addresses': addresses}
