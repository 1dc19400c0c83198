"""The rescue and unrescue server actions."""

import secrets

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import rescue as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
import nova_lite.conf
from nova_lite import exception
from nova_lite.policies import rescue as rescue_policies

CONF = nova_lite.conf.CONF

# NOTE: Nova's default password alphabet: no look-alikes (0/O, 1/l/I).
_PASSWORD_ALPHABET = ('23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
                      'abcdefghijkmnopqrstuvwxyz')
_PASSWORD_LENGTH = 12


class RescueController(wsgi.Controller):
    """Boots a server from a rescue image, and back from its own disk."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(200)
    @wsgi.expected_errors((400, 404, 409, 501))
    @wsgi.action('rescue')
    @validation.schema(schema.rescue)
    @validation.response_body_schema(schema.rescue_response)
    def _rescue(self, req, id, body):
        """Boot an ACTIVE, SHUTOFF or ERROR server from a rescue image
        (``rescue_image_ref``, else its own image): RESCUE.

        :returns: ``{"adminPass": ...}`` when ``[api]
            enable_instance_password`` is set, else ``{}``.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(rescue_policies.BASE_POLICY_NAME,
                    target={'project_id': instance.project_id,
                            'user_id': instance.user_id})
        options = body['rescue'] or {}
        password = options.get('adminPass') or ''.join(
            secrets.choice(_PASSWORD_ALPHABET)
            for _ in range(_PASSWORD_LENGTH))
        try:
            common.act_on_instance(
                'rescue', id,
                lambda: self.compute_api.rescue(
                    context, instance, rescue_password=password,
                    rescue_image_ref=options.get('rescue_image_ref')))
        except exception.ImageNotFound as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        if CONF.api.enable_instance_password:
            return {'adminPass': password}
        return {}

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409, 501))
    @wsgi.action('unrescue')
    @validation.schema(schema.unrescue)
    @validation.response_body_schema(schema.unrescue_response)
    def _unrescue(self, req, id, body):
        """Boot a RESCUE server from its own disk again: ACTIVE."""
        common.act_on_server(self.compute_api, req, id,
                             rescue_policies.UNRESCUE_POLICY_NAME,
                             'unrescue', self.compute_api.unrescue)
