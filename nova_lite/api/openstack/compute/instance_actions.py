"""os-instance-actions: the actions recorded on a server, with their events.

The answer grows with the microversion; each step is one guarded branch in
the formatting helpers below, so a version raised past 2.47 adds a branch:

* 2.21: the actions of a deleted server stay visible.
* 2.51: events are shown to everyone; their traceback stays admin-only.
* 2.58 (later): ``limit``/``marker``/``changes-since`` and ``updated_at``.
* 2.62 (later): ``host`` (admin) and ``hostId`` in events.
* 2.84 (later): event ``details``.
"""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import instance_actions as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import instance_actions as ia_policies

ACTION_KEYS = ('action', 'instance_uuid', 'request_id', 'user_id',
               'project_id', 'start_time', 'message')
EVENT_KEYS = ('event', 'start_time', 'finish_time', 'result')


def _value(value):
    """A datetime as Nova shows it here: ISO 8601, no zone suffix."""
    if hasattr(value, 'isoformat'):
        return value.replace(tzinfo=None).isoformat()
    return value


def _format(obj, keys):
    return {key: _value(getattr(obj, key, None)) for key in keys}


class InstanceActionsController(wsgi.Controller):
    """Lists a server's actions and shows one with its events."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()
        self.action_api = compute.InstanceActionAPI()

    def _get_instance(self, req, context, server_id):
        """The server, a deleted one too from 2.21.

        :raises: InstanceNotFound (404), also for another project's.
        """
        read_deleted = ('yes' if api_version_request.is_supported(req, '2.21')
                        else 'no')
        return self.compute_api.get(context, server_id,
                                    read_deleted=read_deleted)

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    def index(self, req, server_id):
        """``{"instanceActions": [...]}``, newest first."""
        context = req.environ['nova.context']
        instance = self._get_instance(req, context, server_id)
        context.can(ia_policies.BASE_POLICY_NAME % 'list',
                    target={'project_id': instance.project_id})
        actions = self.action_api.actions_get(context, instance)
        return {'instanceActions': [self._format_action(req, action)
                                    for action in actions]}

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    def show(self, req, server_id, id):
        """``{"instanceAction": {...}}`` of request ``id``, with its events
        where policy and microversion allow them."""
        context = req.environ['nova.context']
        instance = self._get_instance(req, context, server_id)
        context.can(ia_policies.BASE_POLICY_NAME % 'show',
                    target={'project_id': instance.project_id})
        action = self.action_api.action_get_by_request_id(context, instance,
                                                          id)
        if action is None:
            raise webob.exc.HTTPNotFound(
                explanation='Action %s not found' % id)
        body = self._format_action(req, action)

        events_allowed = context.can(
            ia_policies.BASE_POLICY_NAME % 'events',
            target={'project_id': instance.project_id}, fatal=False)
        # NOTE: before 2.51 only those allowed "events" see any; from 2.51
        # everyone sees them and the policy guards the traceback alone.
        if api_version_request.is_supported(req, '2.51') or events_allowed:
            events = self.action_api.action_events_get(context, instance,
                                                       action.id)
            body['events'] = [
                self._format_event(req, event, with_traceback=events_allowed)
                for event in events]
        return {'instanceAction': body}

    @staticmethod
    def _format_action(req, action):
        return _format(action, ACTION_KEYS)

    @staticmethod
    def _format_event(req, event, with_traceback):
        body = _format(event, EVENT_KEYS)
        if with_traceback:
            body['traceback'] = event.traceback
        return body
