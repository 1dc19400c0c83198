"""os-instance-actions: the actions recorded on a server, with their events.

The answer grows with the microversion; each step is one guarded branch in
the formatting helpers below:

* 2.21: the actions of a deleted server stay visible.
* 2.51: events are shown to everyone; their traceback stays admin-only.
* 2.58: ``limit``/``marker``/``changes-since`` and ``updated_at``.
* 2.62: events show ``hostId``, and ``host`` where the events policy
  allows.
* 2.66: ``changes-before``.
* 2.84: event ``details`` (the fault message of a failed event).
"""

from oslo_utils import timeutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import instance_actions as schema
from nova_lite.api.openstack.compute.views import servers as views_servers
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.compute import instance_action_api
from nova_lite import exception
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

    _view_builder_class = common.ViewBuilder

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()
        self.action_api = instance_action_api.InstanceActionAPI()

    def _get_instance(self, req, context, server_id):
        """The server, a deleted one too from 2.21.

        :raises: InstanceNotFound (404), also for another project's.
        """
        read_deleted = ('yes' if api_version_request.is_supported(req, '2.21')
                        else 'no')
        return self.compute_api.get(context, server_id,
                                    read_deleted=read_deleted)

    @wsgi.expected_errors((400, 404))
    @validation.query_schema(schema.index_query, '2.1', '2.57')
    @validation.query_schema(schema.index_query_v258, '2.58', '2.65')
    @validation.query_schema(schema.index_query_v266, '2.66')
    @validation.response_body_schema(schema.index_response, '2.1', '2.57')
    @validation.response_body_schema(schema.index_response_v258, '2.58')
    def index(self, req, server_id):
        """``{"instanceActions": [...]}``, newest first; from 2.58 a page
        of them, with a ``links`` next link when the page is full."""
        context = req.environ['nova.context']
        instance = self._get_instance(req, context, server_id)
        context.can(ia_policies.BASE_POLICY_NAME % 'list',
                    target={'project_id': instance.project_id})
        if not api_version_request.is_supported(req, '2.58'):
            actions = self.action_api.actions_get(context, instance)
            return {'instanceActions': [self._format_action(req, action)
                                        for action in actions]}

        limit, marker = common.get_limit_and_marker(req)
        filters = _changes_filters(req)
        try:
            actions = self.action_api.actions_get(
                context, instance, limit=limit, marker=marker,
                filters=filters)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        body = {'instanceActions': [self._format_action(req, action)
                                    for action in actions]}
        links = self._view_builder._get_collection_links(
            req, actions, 'servers/%s/os-instance-actions' % server_id,
            'request_id')
        if links:
            body['links'] = links
        return body

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response, '2.1', '2.57')
    @validation.response_body_schema(schema.show_response_v258,
                                     '2.58', '2.61')
    @validation.response_body_schema(schema.show_response_v262,
                                     '2.62', '2.83')
    @validation.response_body_schema(schema.show_response_v284, '2.84')
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
        # everyone sees them and the policy guards the traceback (and from
        # 2.62 the host) alone.
        if api_version_request.is_supported(req, '2.51') or events_allowed:
            events = self.action_api.action_events_get(context, instance,
                                                       action.id)
            body['events'] = [
                self._format_event(req, event, action, events_allowed)
                for event in events]
        return {'instanceAction': body}

    @staticmethod
    def _format_action(req, action):
        body = _format(action, ACTION_KEYS)
        if api_version_request.is_supported(req, '2.58'):
            # An action without events never changed after its creation.
            body['updated_at'] = _value(
                getattr(action, 'updated_at', None) or
                getattr(action, 'created_at', None))
        return body

    @staticmethod
    def _format_event(req, event, action, events_allowed):
        body = _format(event, EVENT_KEYS)
        if events_allowed:
            body['traceback'] = event.traceback
        if api_version_request.is_supported(req, '2.62'):
            host = getattr(event, 'host', None)
            body['hostId'] = views_servers.generate_host_id(
                host, action.project_id)
            if events_allowed:
                body['host'] = host
        if api_version_request.is_supported(req, '2.84'):
            body['details'] = getattr(event, 'details', None)
        return body


def _changes_filters(req):
    """``changes-since`` (2.58) and ``changes-before`` (2.66) as datetimes.

    :raises: HTTPBadRequest when changes-before is earlier than
        changes-since.
    """
    filters = {}
    for name in ('changes-since', 'changes-before'):
        if name in req.GET:
            filters[name] = timeutils.normalize_time(
                timeutils.parse_isotime(req.GET[name]))
    if ('changes-since' in filters and 'changes-before' in filters and
            filters['changes-before'] < filters['changes-since']):
        raise webob.exc.HTTPBadRequest(
            explanation='The value of changes-since must be less than or '
                        'equal to changes-before.')
    return filters
