"""The shelve, shelveOffload and unshelve server actions."""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import shelve as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.policies import shelve as shelve_policies


class ShelveController(wsgi.Controller):
    """Shelves a server into an image and brings it back."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('shelve')
    @validation.schema(schema.shelve)
    @validation.response_body_schema(schema.shelve_response)
    def _shelve(self, req, id, body):
        """Snapshot a server and power it off: SHELVED (then, as the
        cloud says, SHELVED_OFFLOADED)."""
        common.act_on_server(self.compute_api, req, id,
                             shelve_policies.POLICY_ROOT % 'shelve',
                             'shelve', self.compute_api.shelve)

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('shelveOffload')
    @validation.schema(schema.shelve_offload)
    @validation.response_body_schema(schema.shelve_offload_response)
    def _shelve_offload(self, req, id, body):
        """Free the host of a SHELVED server: SHELVED_OFFLOADED (admin)."""
        common.act_on_server(self.compute_api, req, id,
                             shelve_policies.POLICY_ROOT % 'shelve_offload',
                             'shelveOffload', self.compute_api.shelve_offload)

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('unshelve')
    @validation.schema(schema.unshelve, '2.1', '2.76')
    @validation.schema(schema.unshelve_v277, '2.77', '2.90')
    @validation.schema(schema.unshelve_v291, '2.91')
    @validation.response_body_schema(schema.unshelve_response)
    def _unshelve(self, req, id, body):
        """Bring a shelved server back: ACTIVE. From 2.77 into a given
        availability zone; from 2.91 onto a given host (admins) or with
        ``availability_zone: null`` unpinned from its zone."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(shelve_policies.POLICY_ROOT % 'unshelve',
                    target={'project_id': instance.project_id,
                            'user_id': instance.user_id})
        kwargs = {}
        unshelve = body.get('unshelve')
        if unshelve and api_version_request.is_supported(req, '2.77'):
            if 'availability_zone' in unshelve:
                kwargs['new_az'] = unshelve['availability_zone']
            if api_version_request.is_supported(req, '2.91'):
                host = unshelve.get('host')
                if host:
                    context.can(
                        shelve_policies.POLICY_ROOT % 'unshelve_to_host',
                        target={'project_id': instance.project_id})
                    kwargs['host'] = host
        try:
            common.act_on_instance(
                'unshelve', id,
                lambda: self.compute_api.unshelve(context, instance,
                                                  **kwargs))
        except (exception.AvailabilityZoneNotFound,
                exception.ComputeHostNotFound) as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        except exception.UnshelveHostNotInAZ as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
