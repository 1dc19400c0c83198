"""The evacuate server action: rebuild a server of a failed (down) host on
another one, admins only by default."""

from oslo_utils import strutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import evacuate as schema
from nova_lite.api.openstack.compute import servers
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
import nova_lite.conf
from nova_lite import exception
from nova_lite.policies import evacuate as evac_policies
from nova_lite.states import vm_states

CONF = nova_lite.conf.CONF


class EvacuateController(wsgi.Controller):
    """Moves a server off a host whose compute service is down."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    # NOTE: 200, not 202, though the work goes on after the answer: Nova
    # keeps 200 for backwards compatibility.
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('evacuate')
    @validation.schema(schema.evacuate, '2.1', '2.13')
    @validation.schema(schema.evacuate_v214, '2.14', '2.28')
    @validation.schema(schema.evacuate_v229, '2.29', '2.67')
    @validation.schema(schema.evacuate_v268, '2.68', '2.94')
    @validation.schema(schema.evacuate_v295, '2.95')
    @validation.response_body_schema(schema.evacuate_response, '2.1', '2.13')
    @validation.response_body_schema(schema.evacuate_response_v214, '2.14')
    def _evacuate(self, req, id, body):
        """Rebuild the server on ``host`` (else where the scheduler picks)
        once its own host's compute service is down; it ends as it was
        (ACTIVE or SHUTOFF), from 2.95 SHUTOFF.

        Before 2.14 ``onSharedStorage`` says whether the disk survives
        (then no new password); from 2.29 to 2.67 ``force`` skips the
        scheduler's checks of ``host`` (and needs one).

        :returns: before 2.14 ``{"adminPass": ...}`` when ``[api]
            enable_instance_password`` is set; from 2.14 no body.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(evac_policies.BASE_POLICY_NAME,
                    target={'user_id': instance.user_id,
                            'project_id': instance.project_id})
        options = body['evacuate']
        host = options.get('host')
        target_state = None
        if api_version_request.is_supported(req, '2.95'):
            target_state = vm_states.STOPPED
        force = None
        if api_version_request.is_supported(req, '2.29'):
            force = common.forced_destination(options, host)
        if api_version_request.is_supported(req, '2.14'):
            on_shared_storage = None
            password = (options['adminPass'] if 'adminPass' in options
                        else servers.generate_password())
        else:
            on_shared_storage = strutils.bool_from_string(
                options['onSharedStorage'])
            password = self._password_before_v214(options, on_shared_storage)
        if host is not None and instance.host == host:
            raise webob.exc.HTTPBadRequest(
                explanation="The target host can't be the same one.")
        try:
            common.act_on_instance(
                'evacuate', id,
                lambda: self.compute_api.evacuate(
                    context, instance, host,
                    on_shared_storage=on_shared_storage,
                    admin_password=password, force=force,
                    target_state=target_state))
        except exception.ComputeHostNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Compute host %s not found.' % host)
        except (exception.ComputeServiceStillUp,
                exception.UnableToMigrateToSelf,
                exception.NoValidHost) as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        if (not api_version_request.is_supported(req, '2.14') and
                CONF.api.enable_instance_password):
            return {'adminPass': password}
        return None

    @staticmethod
    def _password_before_v214(options, on_shared_storage):
        """The given password, or a new one unless the disk is shared.

        :raises: HTTPBadRequest for a password with a shared disk, which
            keeps its own.
        """
        if 'adminPass' in options:
            if on_shared_storage:
                raise webob.exc.HTTPBadRequest(
                    explanation="admin password can't be changed on "
                                "existing disk")
            return options['adminPass']
        if not on_shared_storage:
            return servers.generate_password()
        return None
