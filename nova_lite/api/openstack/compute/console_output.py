"""The os-getConsoleOutput server action: the end of a server's console."""

import re

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import console_output as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.policies import console_output as co_policies

# NOTE: control characters other than tab and newline are dropped from the
# output, as Nova does (a relic of its XML answers that clients now expect:
# a serial console's "\r\n" comes out as "\n").
_CONTROL_CHARS = re.compile('[\x00-\x08\x0B-\x1F]')


class ConsoleOutputController(wsgi.Controller):
    """Reads a server's serial console log through its compute host."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.expected_errors((404, 409, 501))
    @wsgi.action('os-getConsoleOutput')
    @validation.schema(schema.get_console_output)
    @validation.response_body_schema(schema.get_console_output_response)
    def get_console_output(self, req, id, body):
        """``{"output": text}``: the log, or its last ``length`` lines."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(co_policies.BASE_POLICY_NAME,
                    target={'project_id': instance.project_id,
                            'user_id': instance.user_id})

        length = body['os-getConsoleOutput'].get('length')
        if length is not None:
            length = int(length)
            # NOTE: -1 is "the whole log" like null (the schema's promise).
            if length == -1:
                length = None
        try:
            output = self.compute_api.get_console_output(context, instance,
                                                         length)
        except (exception.InstanceNotFound,
                exception.InstanceNotFoundOnHypervisor,
                exception.ConsoleNotAvailable) as error:
            # NOTE: also a server deleted since it was looked up above.
            raise webob.exc.HTTPNotFound(explanation=error.format_message())
        except exception.InstanceNotReady as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        except exception.InstanceInvalidState as error:
            common.raise_http_conflict_for_instance_invalid_state(
                error, 'get_console_output', id)
        except NotImplementedError:
            raise webob.exc.HTTPNotImplemented(
                explanation='The requested functionality is not supported.')
        return {'output': _CONTROL_CHARS.sub('', output)}
