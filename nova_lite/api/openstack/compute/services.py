"""The /os-services controller: every service, and whether it is up.

A service is down when its last heartbeat is older than
``service_down_time`` (or it was forced down); ``forced_down`` shows from
2.11.
"""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import services as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import conf
from nova_lite.policies import services as services_policies

CONF = conf.CONF


class ServiceController(wsgi.Controller):

    def __init__(self):
        super().__init__()
        self.host_api = compute.HostAPI()

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    def index(self, req):
        """List services, filtered by ``host`` and ``binary``."""
        context = req.environ['nova.context']
        context.can(services_policies.PREFIX % 'list', target={})
        services = self.host_api.service_get_all(
            context, host=req.GET.get('host'), binary=req.GET.get('binary'))
        with_forced_down = api_version_request.is_supported(
            req, min_version='2.11')
        return {'services': [self._view(service, with_forced_down)
                             for service in services]}

    @staticmethod
    def _view(service, with_forced_down):
        updated = service.last_seen_up or service.updated_at
        view = {
            'id': service.id,
            'binary': service.binary,
            'host': service.host,
            'zone': (CONF.default_availability_zone
                     if service.binary == compute.COMPUTE_BINARY
                     else 'internal'),
            'status': 'disabled' if service.disabled else 'enabled',
            'state': 'up' if service.is_up() else 'down',
            'updated_at': (updated.replace(tzinfo=None).isoformat()
                           if updated else None),
            'disabled_reason': service.disabled_reason,
        }
        if with_forced_down:
            view['forced_down'] = service.forced_down
        return view
