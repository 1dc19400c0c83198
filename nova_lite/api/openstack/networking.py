"""A read-only view of nova-lite's networks in the Networking API's shape.

nova-lite has no Neutron. Clients that find no service catalog (noauth
with per-service endpoint overrides) take a Neutron for granted and look
``--network NAME`` up at ``<network endpoint>/v2.0/networks``; pointing
``network_endpoint_override`` at ``<compute host>/networking`` lets them
find the networks ``nova-lite-manage network create`` made, so
``openstack server create --network NAME`` works unchanged. Only the
lookups clients make before a boot are served: list (with field filters
and ``fields``) and show. Anything else is 404 or 405, in Neutron's error
body, so a client never mistakes this for a full Networking API.
"""

from oslo_serialization import jsonutils
import webob
import webob.dec

from nova_lite import auth
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.network import segments

PREFIX = '/networking'
VERSION = 'v2.0'
_TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
# NOTE: query parameters that shape the answer rather than filter it.
_NON_FILTERS = ('fields', 'limit', 'marker', 'page_reverse', 'sort_key',
                'sort_dir')


def _time(at):
    return at.strftime(_TIME_FORMAT) if at else None


def network_view(network):
    """A nova-lite network as Neutron shows a network."""
    return {
        'id': network.uuid,
        'name': network.label,
        'description': '',
        'tenant_id': network.project_id or '',
        'project_id': network.project_id or '',
        'status': 'ACTIVE',
        'admin_state_up': True,
        # NOTE: a network with no project is shared, as nova-lite-manage
        # defines it; subnets are not modelled apart from the network.
        'shared': network.project_id is None,
        'subnets': [],
        'mtu': segments.effective_mtu(network),
        'router:external': False,
        'availability_zone_hints': [],
        'availability_zones': [],
        'ipv4_address_scope': None,
        'ipv6_address_scope': None,
        'port_security_enabled': False,
        'is_default': False,
        'tags': [],
        'revision_number': 1,
        'created_at': _time(network.created_at),
        'updated_at': _time(network.updated_at or network.created_at),
    }


def _json(status, body):
    response = webob.Response(status=status, content_type='application/json',
                              charset='UTF-8')
    response.text = jsonutils.dumps(body)
    return response


def _error(status, kind, message):
    return _json(status, {'NeutronError': {'type': kind, 'message': message,
                                           'detail': ''}})


def _matches(view, filters):
    """Neutron's filter semantics: a field matches any of its values."""
    for field, wanted in filters.items():
        value = view.get(field)
        if isinstance(value, bool):
            value = str(value)
            wanted = [w.capitalize() for w in wanted]
        if value not in wanted and str(value) not in wanted:
            return False
    return True


def _select(view, fields):
    return {f: view[f] for f in fields if f in view} if fields else view


class NetworkingApp(object):
    """``/v2.0/networks`` and ``/v2.0/networks/{id}`` for GET only."""

    def __init__(self):
        self.network_api = network_api.API()

    @webob.dec.wsgify
    def __call__(self, req):
        parts = [p for p in req.path_info.split('/') if p]
        if parts in ([], [VERSION]):
            return self._versions(req, parts)
        if len(parts) not in (2, 3) or parts[:2] != [VERSION, 'networks']:
            return _error(404, 'HTTPNotFound',
                          'The resource could not be found.')
        if req.method != 'GET':
            response = _error(405, 'HTTPMethodNotAllowed',
                              'The method %s is not allowed here: '
                              'nova-lite serves networks read-only.'
                              % req.method)
            response.headers['Allow'] = 'GET'
            return response
        context = req.environ[auth.ENV_CONTEXT]
        fields = req.GET.getall('fields')
        if len(parts) == 3:
            return self._show(context, parts[2], fields)
        filters = {}
        for key, value in req.GET.items():
            if key not in _NON_FILTERS:
                filters.setdefault(key, []).append(value)
        views = [network_view(net)
                 for net in self.network_api.get_all(context)]
        return _json(200, {'networks': [
            _select(view, fields) for view in views
            if _matches(view, filters)]})

    def _show(self, context, network_id, fields):
        try:
            network = self.network_api.get(context, network_id)
        except exception.NetworkNotFound:
            return _error(404, 'NetworkNotFound',
                          'Network %s could not be found.' % network_id)
        return _json(200, {'network': _select(network_view(network),
                                              fields)})

    @staticmethod
    def _versions(req, parts):
        link = {'rel': 'self', 'href': req.application_url + '/' + VERSION}
        version = {'id': VERSION, 'status': 'CURRENT', 'links': [link]}
        if parts:
            return _json(200, {'resources': [
                {'name': 'network', 'collection': 'networks',
                 'links': [{'rel': 'self',
                            'href': link['href'] + '/networks'}]}]})
        return _json(200, {'versions': [version]})
