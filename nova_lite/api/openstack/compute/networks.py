"""The /os-networks controller: Nova's nova-network proxy API.

Listing and showing answer until 2.35 and 404 from 2.36, as in Nova.
Networks are defined with ``nova-lite-manage network create``: creating,
adding, disassociating and deleting through the API answer 410 Gone at
every microversion, as Nova's do since nova-network was removed.
"""

import ipaddress

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import networks as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import conf
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.network import segments
from nova_lite.policies import networks as net_policies

CONF = conf.CONF

# NOTE: the last microversion of the proxy APIs (2.36 removed them).
MAX_PROXY_API_SUPPORT_VERSION = '2.35'
_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'

_FIELDS = ('id', 'cidr', 'netmask', 'gateway', 'broadcast', 'dns1', 'dns2',
           'cidr_v6', 'gateway_v6', 'label', 'netmask_v6')
# Shown to administrators only, as Nova does.
_ADMIN_FIELDS = ('created_at', 'updated_at', 'deleted_at', 'deleted',
                 'injected', 'bridge', 'vlan', 'vpn_public_address',
                 'vpn_public_port', 'vpn_private_address', 'dhcp_start',
                 'project_id', 'host', 'bridge_interface', 'multi_host',
                 'priority', 'rxtx_base', 'mtu', 'dhcp_server',
                 'enable_dhcp', 'share_address')


def _time(at):
    return at.replace(tzinfo=None).strftime(_TIME_FORMAT) if at else None


def _dhcp_start(network):
    """The first address a server gets on the network."""
    for host in ipaddress.ip_network(network.cidr).hosts():
        if str(host) != network.gateway:
            return str(host)
    return None


def network_dict(context, network):
    """A network in nova-network's shape: IPv4, DHCP from the network
    host (its gateway address), ``vlan`` the VLAN id of a VLAN network."""
    net = ipaddress.ip_network(network.cidr)
    segment = segments.Segment.of(network)
    values = {
        'id': network.uuid,
        'cidr': network.cidr,
        'netmask': str(net.netmask),
        'gateway': network.gateway,
        'broadcast': str(net.broadcast_address),
        'dns1': network.dns1,
        'dns2': network.dns2,
        'label': network.label,
        'created_at': _time(network.created_at),
        'updated_at': _time(network.updated_at),
        'deleted_at': _time(network.deleted_at),
        'deleted': bool(network.deleted),
        'injected': False,
        'bridge': network.bridge,
        'dhcp_start': _dhcp_start(network),
        'project_id': network.project_id,
        'multi_host': False,
        'vlan': (segment.segmentation_id
                 if segment.network_type == segments.VLAN else None),
        'mtu': segments.effective_mtu(network),
        'dhcp_server': network.gateway,
        'enable_dhcp': True,
        'share_address': False,
    }
    fields = _FIELDS + (_ADMIN_FIELDS if context.is_admin else ())
    return {field: values.get(field) for field in fields}


class NetworkController(wsgi.Controller):

    def __init__(self):
        super().__init__()
        self.network_api = network_api.API()

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """The networks the project may use; every network for admins."""
        context = req.environ['nova.context']
        context.can(net_policies.PREFIX % 'list',
                    target={'project_id': context.project_id})
        return {'networks': [network_dict(context, network) for network
                             in self.network_api.get_all(context)]}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response_v236)
    def index(self, req):  # noqa: F811
        """Gone from 2.36: 404, as for any method not at a version."""
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, id):
        """One network the project may use."""
        context = req.environ['nova.context']
        context.can(net_policies.PREFIX % 'show',
                    target={'project_id': context.project_id})
        try:
            network = self.network_api.get(context, id)
        except exception.NetworkNotFound:
            raise webob.exc.HTTPNotFound(explanation='Network not found')
        return {'network': network_dict(context, network)}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response_v236)
    def show(self, req, id):  # noqa: F811
        """Gone from 2.36: 404, as for any method not at a version."""
        common.method_gone(req)

    @wsgi.expected_errors(410)
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.create_response)
    def create(self, req, body):
        """Gone: networks are made with ``nova-lite-manage network
        create``."""
        raise webob.exc.HTTPGone()

    @wsgi.expected_errors(410)
    @validation.schema(schema.add)
    @validation.response_body_schema(schema.add_response)
    def add(self, req, body):
        """Gone: a network is never associated with a project later."""
        raise webob.exc.HTTPGone()

    @wsgi.expected_errors(410)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Gone: ``nova-lite-manage network delete`` deletes networks."""
        raise webob.exc.HTTPGone()

    @wsgi.expected_errors(410)
    @wsgi.action('disassociate')
    @validation.schema(schema.disassociate)
    @validation.response_body_schema(schema.disassociate_response)
    def _disassociate_host_and_project(self, req, id, body):
        """Gone, with nova-network."""
        raise webob.exc.HTTPGone()
