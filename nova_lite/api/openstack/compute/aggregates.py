"""The /os-aggregates controller: host aggregates, for administrators.

An aggregate is a named group of compute hosts with metadata; its
``availability_zone`` metadata puts its hosts in that zone (see
compute/aggregates.py). Ids in paths are integers, as in Nova; answers
show ``uuid`` from 2.41. Nova answers 200 everywhere here, delete
included.
"""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import aggregates as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import aggregates as aggregate_api
from nova_lite import exception
from nova_lite.policies import aggregates as agg_policies

POLICY = agg_policies.PREFIX
# NOTE: ids are database integers; a bigger number cannot name one.
_MAX_ID = 2 ** 31 - 1


def _time(at):
    return at.replace(tzinfo=None).isoformat() if at else None


def _aggregate_id(id):
    """The integer of a path id: 400 when it is none, as Nova does."""
    try:
        value = int(str(id))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid input received: id must be an integer')
    if not 0 <= value <= _MAX_ID:
        raise webob.exc.HTTPNotFound(
            explanation='Aggregate %s could not be found.' % id)
    return value


class AggregateController(wsgi.Controller):
    """Every method is admin-only by default policy."""

    def __init__(self):
        super().__init__()
        self.api = aggregate_api.AggregateAPI()

    @staticmethod
    def _context(req, action):
        context = req.environ['nova.context']
        context.can(POLICY % action, target={})
        return context

    @staticmethod
    def _view(req, aggregate, with_members=True):
        view = {
            'availability_zone': aggregate.availability_zone,
            'created_at': _time(aggregate.created_at),
            'deleted': False,
            'deleted_at': None,
            'id': aggregate.id,
            'name': aggregate.name,
            'updated_at': _time(aggregate.updated_at),
        }
        if with_members:
            view['hosts'] = list(aggregate.hosts)
            view['metadata'] = dict(aggregate.metadata)
        if api_version_request.is_supported(req, '2.41'):
            view['uuid'] = aggregate.uuid
        return view

    def _answer(self, req, aggregate):
        return {'aggregate': self._view(req, aggregate)}

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response, '2.1', '2.40')
    @validation.response_body_schema(schema.index_response_v241, '2.41')
    def index(self, req):
        """Every aggregate with its hosts and metadata."""
        context = self._context(req, 'index')
        return {'aggregates': [self._view(req, aggregate) for aggregate
                               in self.api.get_aggregate_list(context)]}

    @wsgi.expected_errors((400, 409))
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.create_response, '2.1', '2.40')
    @validation.response_body_schema(schema.create_response_v241, '2.41')
    def create(self, req, body):
        """A new aggregate, optionally in a zone; 409 for a name in use."""
        context = self._context(req, 'create')
        values = body['aggregate']
        aggregate = self.api.create_aggregate(
            context, values['name'], values.get('availability_zone'))
        return {'aggregate': self._view(req, aggregate, with_members=False)}

    @wsgi.expected_errors((400, 404))
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response, '2.1', '2.40')
    @validation.response_body_schema(schema.show_response_v241, '2.41')
    def show(self, req, id):
        context = self._context(req, 'show')
        return self._answer(req, self.api.get_aggregate(
            context, _aggregate_id(id)))

    @wsgi.expected_errors((400, 404, 409))
    @validation.schema(schema.update)
    @validation.response_body_schema(schema.update_response, '2.1', '2.40')
    @validation.response_body_schema(schema.update_response_v241, '2.41')
    def update(self, req, id, body):
        """Rename and/or move to another zone: 400 when a host of it is in
        another zone through another aggregate, 409 for a name in use."""
        context = self._context(req, 'update')
        return self._answer(req, self.api.update_aggregate(
            context, _aggregate_id(id), body['aggregate']))

    @wsgi.expected_errors((400, 404))
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """400 while it still has hosts."""
        context = self._context(req, 'delete')
        self.api.delete_aggregate(context, _aggregate_id(id))

    @wsgi.expected_errors((400, 404, 409))
    @wsgi.action('add_host')
    @validation.schema(schema.add_host)
    @validation.response_body_schema(schema.add_host_response, '2.1', '2.40')
    @validation.response_body_schema(schema.add_host_response_v241, '2.41')
    def _add_host(self, req, id, body):
        """404 for an unknown compute host; 409 when it is in already, or
        in another zone through another aggregate."""
        context = self._context(req, 'add_host')
        return self._answer(req, self.api.add_host_to_aggregate(
            context, _aggregate_id(id), body['add_host']['host']))

    @wsgi.expected_errors((400, 404))
    @wsgi.action('remove_host')
    @validation.schema(schema.remove_host)
    @validation.response_body_schema(schema.remove_host_response,
                                     '2.1', '2.40')
    @validation.response_body_schema(schema.remove_host_response_v241,
                                     '2.41')
    def _remove_host(self, req, id, body):
        """404 for an unknown host or one not in the aggregate."""
        context = self._context(req, 'remove_host')
        host = body['remove_host']['host']
        try:
            aggregate = self.api.remove_host_from_aggregate(
                context, _aggregate_id(id), host)
        except (exception.AggregateNotFound, exception.AggregateHostNotFound,
                exception.ComputeHostNotFound):
            raise webob.exc.HTTPNotFound(
                explanation='Cannot remove host %s in aggregate %s'
                            % (host, id))
        return self._answer(req, aggregate)

    @wsgi.expected_errors((400, 404))
    @wsgi.action('set_metadata')
    @validation.schema(schema.set_metadata)
    @validation.response_body_schema(schema.set_metadata_response,
                                     '2.1', '2.40')
    @validation.response_body_schema(schema.set_metadata_response_v241,
                                     '2.41')
    def _set_metadata(self, req, id, body):
        """Merge metadata (a null value removes a key); 400 for a zone the
        aggregate's hosts cannot take."""
        context = self._context(req, 'set_metadata')
        return self._answer(req, self.api.update_aggregate_metadata(
            context, _aggregate_id(id), body['set_metadata']['metadata']))
