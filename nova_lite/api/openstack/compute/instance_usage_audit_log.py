"""/os-instance_usage_audit_log: how far the compute hosts got with the
instance usage audit of the last completed period (admin only)."""

import datetime

import webob.exc

from nova_lite.api.openstack.compute.schemas import instance_usage_audit_log \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import usage_audit
from nova_lite.policies import instance_usage_audit_log as iual_policies


def _before(value):
    """The datetime of ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (Nova's forms).

    :raises: HTTPBadRequest for anything else.
    """
    for fmt in ('%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S'):
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise webob.exc.HTTPBadRequest(
        explanation='Invalid timestamp for date %s' % value)


class InstanceUsageAuditLogController(wsgi.Controller):
    """Reads the task logs the compute hosts' audits wrote."""

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """The audit log of the last completed period."""
        context = req.environ['nova.context']
        context.can(iual_policies.PREFIX % 'list', target={})
        return {'instance_usage_audit_logs':
                usage_audit.get_audit_log(context)}

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, id):
        """The audit log of the last period completed before ``id``, a
        UTC timestamp ``YYYY-MM-DD HH:MM:SS[.ffffff]``."""
        context = req.environ['nova.context']
        context.can(iual_policies.PREFIX % 'show', target={})
        return {'instance_usage_audit_log':
                usage_audit.get_audit_log(context, before=_before(id))}
