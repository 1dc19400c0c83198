"""The /os-services controller: every service, whether it is up, and
(for admins) enabling, disabling, forcing down and deleting one.

A service is down when its last heartbeat is older than
``service_down_time`` or it was forced down; ``forced_down`` shows from
2.11. Below 2.53 a service is changed with ``PUT /os-services/{action}``
naming its host and binary; from 2.53 services are identified by uuid
and ``PUT /os-services/{uuid}`` changes one. The scheduler skips a
disabled or down compute host (ComputeFilter says which).
"""

from oslo_utils import strutils
from oslo_utils import uuidutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import services as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import hosts as compute_hosts
from nova_lite import exception
from nova_lite.objects import service as service_obj
from nova_lite.policies import services as services_policies

POLICY = services_policies.PREFIX
UUID_FOR_ID_MIN_VERSION = '2.53'
_MAX_ID = 2 ** 31 - 1


def _check_compute_binary(binary):
    """Only compute services are enabled, disabled or forced down.

    :raises: HTTPBadRequest for any other ``binary``
    """
    if binary != service_obj.COMPUTE_BINARY:
        raise webob.exc.HTTPBadRequest(
            explanation='Updating a %s service is not supported. Only %s '
                        'services can be updated.'
                        % (binary, service_obj.COMPUTE_BINARY))


class ServiceController(wsgi.Controller):

    def __init__(self):
        super().__init__()
        self.host_api = compute_hosts.HostAPI()
        # NOTE: the actions of PUT /os-services/{action} below 2.53;
        # force-down is one from 2.11.
        self.actions = {'enable': self._enable,
                        'disable': self._disable,
                        'disable-log-reason': self._disable_log_reason,
                        'force-down': self._force_down}

    @staticmethod
    def _context(req, action):
        context = req.environ['nova.context']
        context.can(POLICY % action, target={})
        return context

    # ---- list ---------------------------------------------------------------

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query, '2.1', '2.74')
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.response_body_schema(schema.index_response, '2.1', '2.10')
    @validation.response_body_schema(schema.index_response_v211, '2.11',
                                     '2.52')
    @validation.response_body_schema(schema.index_response_v253, '2.53')
    def index(self, req):
        """List services, filtered by ``host`` and ``binary``."""
        context = self._context(req, 'list')
        services = self.host_api.service_get_all(
            context, host=req.GET.get('host'), binary=req.GET.get('binary'))
        zones = self.host_api.host_zones(context)
        return {'services': [self._view(req, service, zones)
                             for service in services]}

    def _view(self, req, service, zones):
        updated = service.last_seen_up or service.updated_at
        uuid_ids = api_version_request.is_supported(
            req, UUID_FOR_ID_MIN_VERSION)
        view = {
            'id': service.uuid if uuid_ids else service.id,
            'binary': service.binary,
            'host': service.host,
            'zone': self.host_api.service_zone(service, zones),
            'status': 'disabled' if service.disabled else 'enabled',
            'state': 'up' if service.is_up() else 'down',
            'updated_at': (updated.replace(tzinfo=None).isoformat()
                           if updated else None),
            'disabled_reason': service.disabled_reason,
        }
        if api_version_request.is_supported(req, '2.11'):
            view['forced_down'] = service.forced_down
        return view

    # ---- update below 2.53: PUT /os-services/{action} -----------------------

    @wsgi.api_version('2.1', '2.52')
    @wsgi.expected_errors((400, 404))
    @validation.schema(schema.service_update, '2.1', '2.10')
    @validation.schema(schema.service_update_v211, '2.11', '2.52')
    @validation.response_body_schema(schema.update_response)
    def update(self, req, id, body):
        """``id`` names the action; the body names host and binary."""
        context = self._context(req, 'update')
        action = self.actions.get(id)
        if action is None or (id == 'force-down' and
                              not api_version_request.is_supported(
                                  req, '2.11')):
            raise webob.exc.HTTPNotFound(explanation='Unknown action')
        # NOTE: before the lookup, as Nova does: any other binary, known
        # or not (nova-lite-compute included), is a 400, not a 404.
        _check_compute_binary(body['binary'])
        try:
            service = self.host_api.service_get_by_host_and_binary(
                context, body['host'], body['binary'])
        except exception.HostBinaryNotFound:
            raise webob.exc.HTTPNotFound(explanation='Unknown service')
        return {'service': action(body, service)}

    def _enable(self, body, service):
        self.host_api.service_update(service, {'disabled': False,
                                               'disabled_reason': None})
        return {'host': service.host, 'binary': service.binary,
                'status': 'enabled'}

    def _disable(self, body, service, reason=None):
        self.host_api.service_update(service, {'disabled': True,
                                               'disabled_reason': reason})
        result = {'host': service.host, 'binary': service.binary,
                  'status': 'disabled'}
        if reason is not None:
            result['disabled_reason'] = reason
        return result

    def _disable_log_reason(self, body, service):
        if 'disabled_reason' not in body:
            raise webob.exc.HTTPBadRequest(
                explanation='Missing disabled reason field')
        return self._disable(body, service, body['disabled_reason'])

    def _force_down(self, body, service):
        if 'forced_down' not in body:
            raise webob.exc.HTTPBadRequest(
                explanation='Missing forced_down field')
        forced_down = strutils.bool_from_string(body['forced_down'], True)
        self.host_api.service_update(service, {'forced_down': forced_down})
        return {'host': service.host, 'binary': service.binary,
                'forced_down': forced_down}

    # ---- update from 2.53: PUT /os-services/{uuid} --------------------------

    @wsgi.api_version(UUID_FOR_ID_MIN_VERSION)  # noqa: F811
    @wsgi.expected_errors((400, 404))
    @validation.schema(schema.service_update_v253)
    @validation.response_body_schema(schema.update_response_v253)
    def update(self, req, id, body):  # noqa: F811
        """Enable or disable (with a reason) and/or force down one compute
        service."""
        context = self._context(req, 'update')
        service = self._get_by_uuid(context, id)
        status = body.get('status')
        reason = body.get('disabled_reason')
        if reason is not None and status != 'disabled':
            raise webob.exc.HTTPBadRequest(
                explanation="Specifying 'disabled_reason' with status "
                            "'%s' is invalid." % status)
        _check_compute_binary(service.binary)
        values = {}
        if status is not None:
            values['disabled'] = status == 'disabled'
            # NOTE: enabling clears the reason, disabling sets it (or
            # clears an old one), as Nova does.
            values['disabled_reason'] = reason
        if 'forced_down' in body:
            values['forced_down'] = strutils.bool_from_string(
                body['forced_down'], True)
        self.host_api.service_update(service, values)
        zones = self.host_api.host_zones(context)
        return {'service': self._view(req, service, zones)}

    def _get_by_uuid(self, context, id):
        if not uuidutils.is_uuid_like(id):
            raise webob.exc.HTTPBadRequest(explanation='Invalid uuid %s'
                                                       % id)
        try:
            return self.host_api.service_get_by_uuid(context, id)
        except exception.ServiceNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Service %s not found.' % id)

    # ---- delete -------------------------------------------------------------

    @wsgi.response(204)
    @wsgi.expected_errors((400, 404, 409))
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Delete a service (an integer id below 2.53, a uuid from then);
        a compute service takes its compute node and its aggregate
        membership with it, and is refused (409) while it hosts
        instances."""
        context = self._context(req, 'delete')
        if api_version_request.is_supported(req, UUID_FOR_ID_MIN_VERSION):
            service = self._get_by_uuid(context, id)
        else:
            try:
                service_id = int(str(id))
            except ValueError:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid input received: id must be an '
                                'integer')
            if not 0 <= service_id <= _MAX_ID:
                raise webob.exc.HTTPNotFound(
                    explanation='Service %s not found.' % id)
            try:
                service = self.host_api.service_get_by_id(context,
                                                          service_id)
            except exception.ServiceNotFound:
                raise webob.exc.HTTPNotFound(
                    explanation='Service %s not found.' % id)
        try:
            self.host_api.service_delete(service)
        except exception.ServiceNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Service %s not found.' % id)
