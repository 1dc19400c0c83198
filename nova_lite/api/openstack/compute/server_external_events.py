"""POST /os-server-external-events: other services tell Nova what
happened to its servers (a port plugged, a volume extended...).

Each event is answered on its own: 200 and ``completed`` when it was
handed to the server's host, else ``failed`` with 404 (no such server),
422 (the server has no host yet) or 400 (a tag it needs is missing); the
whole answer is 200 when all were accepted and 207 otherwise.
"""

from oslo_log import log as logging

from nova_lite.api.openstack.compute.schemas import server_external_events \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.compute import external_events
from nova_lite import objects
from nova_lite.policies import server_external_events as see_policies

LOG = logging.getLogger(__name__)

# NOTE: events that mean nothing without their tag (the volume, the power
# state, the accelerator request); Nova fails them one by one (400).
TAG_REQUIRED = (external_events.VOLUME_EXTENDED,
                external_events.POWER_UPDATE,
                external_events.ACCELERATOR_REQUEST_BOUND,
                external_events.VOLUME_REIMAGED)


class ServerExternalEventsController(wsgi.Controller):
    """Accepts events about servers and hands them to their hosts."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.expected_errors(403)
    @wsgi.response(200)
    @validation.schema(schema.create, None, '2.50')
    @validation.schema(schema.create_v251, '2.51', '2.75')
    @validation.schema(schema.create_v276, '2.76', '2.81')
    @validation.schema(schema.create_v282, '2.82', '2.92')
    @validation.schema(schema.create_v293, '2.93')
    @validation.response_body_schema(schema.create_response)
    def create(self, req, body):
        """``{"events": [...]}``: each event with its ``code`` and
        ``status``."""
        context = req.environ['nova.context']
        context.can(see_policies.POLICY_ROOT % 'create', target={})
        uuids = sorted({event['server_uuid'] for event in body['events']})
        # NOTE: every project's servers (the sender is a service) and
        # one query for them all.
        instances = {instance.uuid: instance for instance in
                     objects.InstanceList.get_by_filters(
                         context.elevated(), {'uuid': uuids})}
        response_events = []
        accepted_events = []
        accepted_instances = {}
        result = 200
        for body_event in body['events']:
            response_event = dict(body_event)
            response_events.append(response_event)
            event = external_events.make_event(
                body_event['server_uuid'], body_event['name'],
                body_event.get('status', 'completed'),
                body_event.get('tag'))
            instance = instances.get(event['instance_uuid'])
            if instance is None:
                LOG.debug('Dropping event %s:%s for unknown instance %s',
                          event['name'], event['tag'],
                          event['instance_uuid'])
                code = 404
            elif event['name'] in TAG_REQUIRED and event['tag'] is None:
                LOG.debug('Event %s for instance %s has no tag; dropped',
                          event['name'], instance.uuid)
                code = 400
            elif not instance.host:
                LOG.debug('Instance %s has no host; dropping event %s',
                          instance.uuid, event['name'])
                code = 422
            else:
                LOG.info('Creating event %s:%s for instance %s on %s',
                         event['name'], event['tag'], instance.uuid,
                         instance.host)
                accepted_events.append(event)
                accepted_instances[instance.uuid] = instance
                code = 200
            response_event['code'] = code
            response_event['status'] = ('completed' if code == 200
                                        else 'failed')
            if code != 200:
                result = 207
        if accepted_events:
            self.compute_api.external_instance_event(
                context, list(accepted_instances.values()), accepted_events)
        return wsgi.ResponseObject({'events': response_events}, code=result)
