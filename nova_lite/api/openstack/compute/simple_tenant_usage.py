"""/os-simple-tenant-usage: what projects used in a time window.

For every instance that ran in [start, end] (deleted ones too) the hours
it ran inside the window, and per project the sums of hours and of
vCPU-, MB- and GB-hours, as Nova computes them. ``end`` is capped at now;
``detailed=1`` lists the servers too. 2.40 pages by server.
"""

import collections
import datetime

from oslo_utils import timeutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import \
    simple_tenant_usage as schema
from nova_lite.api.openstack.compute.views import usages as usages_view
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.policies import simple_tenant_usage as stu_policies

CONF = conf.CONF

# NOTE: the formats Nova accepts for start and end, in its order.
_TIME_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
                 '%Y-%m-%d %H:%M:%S.%f')


def _utcnow():
    return timeutils.utcnow().replace(tzinfo=None)


def _timestamp(value):
    """Naive ISO 8601 with microseconds, as Nova's JSON encoder writes."""
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')


def _naive(value):
    if value is not None and value.utcoffset() is not None:
        value = (value - value.utcoffset()).replace(tzinfo=None)
    return value


def parse_datetime(value):
    """A ``start``/``end`` parameter as a naive UTC datetime; now when
    absent.

    :raises: InvalidStrTime for anything but Nova's three formats.
    """
    if not value:
        return _utcnow()
    for fmt in _TIME_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise exception.InvalidStrTime(reason='Datetime is in invalid format')


def hours_for(launched_at, terminated_at, period_start, period_stop):
    """Hours an instance ran inside [period_start, period_stop]: 0 when
    it never launched or ran entirely outside the window."""
    if terminated_at is not None and terminated_at < period_start:
        return 0
    if launched_at is None or launched_at > period_stop:
        return 0
    start = max(launched_at, period_start)
    stop = period_stop
    if terminated_at is not None:
        stop = min(period_stop, terminated_at)
    return (stop - start).total_seconds() / 3600.0


def tenant_usages(instances, period_start, period_stop, detailed, now):
    """Aggregate instances into per-project usage summaries.

    :returns: (summaries in the instances' order of projects,
        every server usage in the instances' order).
    """
    summaries = collections.OrderedDict()
    server_usages = []
    for instance in instances:
        flavor = instance.flavor
        launched_at = _naive(instance.launched_at)
        terminated_at = _naive(instance.terminated_at)
        info = {
            'hours': hours_for(launched_at, terminated_at, period_start,
                               period_stop),
            'flavor': flavor.name if flavor is not None else '',
            'instance_id': instance.uuid,
            'name': instance.display_name,
            'tenant_id': instance.project_id,
            'memory_mb': flavor.memory_mb if flavor is not None else 0,
            'local_gb': (flavor.root_gb + flavor.ephemeral_gb
                         if flavor is not None else 0),
            'vcpus': flavor.vcpus if flavor is not None else 0,
            'started_at': _timestamp(launched_at),
            'ended_at': (_timestamp(terminated_at)
                         if terminated_at is not None else None),
        }
        if terminated_at is not None:
            info['state'] = 'terminated'
            delta = terminated_at - launched_at
        else:
            info['state'] = instance.vm_state
            delta = now - launched_at
        info['uptime'] = int(delta.total_seconds())

        summary = summaries.get(instance.project_id)
        if summary is None:
            summary = {
                'tenant_id': instance.project_id,
                'total_local_gb_usage': 0,
                'total_vcpus_usage': 0,
                'total_memory_mb_usage': 0,
                'total_hours': 0,
                'start': _timestamp(period_start),
                'stop': _timestamp(period_stop),
            }
            if detailed:
                summary['server_usages'] = []
            summaries[instance.project_id] = summary
        summary['total_local_gb_usage'] += info['local_gb'] * info['hours']
        summary['total_vcpus_usage'] += info['vcpus'] * info['hours']
        summary['total_memory_mb_usage'] += (info['memory_mb'] *
                                             info['hours'])
        summary['total_hours'] += info['hours']
        server_usages.append(info)
        if detailed:
            summary['server_usages'].append(info)
    return list(summaries.values()), server_usages


class SimpleTenantUsageController(wsgi.Controller):

    _view_builder_class = usages_view.ViewBuilder

    def _window(self, req):
        """(start, stop capped at now, detailed, now) of the request.

        :raises: HTTPBadRequest for an unreadable date or start >= end.
        """
        try:
            start = parse_datetime(req.GET.get('start'))
            stop = parse_datetime(req.GET.get('end'))
        except exception.InvalidStrTime as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        if not start < stop:
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid start time. The start time cannot '
                            'occur after the end time.')
        detailed = req.GET.get('detailed', '0') == '1'
        now = _utcnow()
        return start, min(stop, now), detailed, now

    def _usages(self, req, project_id, detailed_default, links):
        context = req.environ['nova.context']
        start, stop, detailed, now = self._window(req)
        detailed = detailed or detailed_default
        limit, marker = CONF.api.max_limit, None
        if links:
            limit, marker = common.get_limit_and_marker(req)
        try:
            instances = objects.InstanceList.get_active_by_window_joined(
                context, start, stop, project_id=project_id, limit=limit,
                marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        return tenant_usages(instances, start, stop, detailed, now)

    # ---- list ---------------------------------------------------------------

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query, '2.1', '2.39')
    @validation.query_schema(schema.index_query_v240, '2.40', '2.74')
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.response_body_schema(schema.index_response, '2.1', '2.39')
    @validation.response_body_schema(schema.index_response_v240, '2.40')
    def index(self, req):
        """Every project's usage in the window (admins)."""
        context = req.environ['nova.context']
        context.can(stu_policies.PREFIX % 'list', target={})
        links = api_version_request.is_supported(req, '2.40')
        usages, server_usages = self._usages(req, None, False, links)
        body = {'tenant_usages': usages}
        if links:
            next_links = self._view_builder.get_links(req, server_usages)
            if next_links:
                body['tenant_usages_links'] = next_links
        return body

    # ---- show ---------------------------------------------------------------

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.show_query, '2.1', '2.39')
    @validation.query_schema(schema.show_query_v240, '2.40', '2.74')
    @validation.query_schema(schema.show_query_v275, '2.75')
    @validation.response_body_schema(schema.show_response, '2.1', '2.39')
    @validation.response_body_schema(schema.show_response_v240, '2.40')
    def show(self, req, id):
        """One project's usage in the window, with its servers; ``{}``
        when it used nothing."""
        context = req.environ['nova.context']
        context.can(stu_policies.PREFIX % 'show',
                    target={'project_id': id})
        links = api_version_request.is_supported(req, '2.40')
        usages, server_usages = self._usages(req, id, True, links)
        body = {'tenant_usage': usages[0] if usages else {}}
        if links:
            next_links = self._view_builder.get_links(req, server_usages,
                                                      tenant_id=id)
            if next_links:
                body['tenant_usage_links'] = next_links
        return body
