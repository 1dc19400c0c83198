"""The /os-quota-class-sets controller: the limits of a quota class.

The ``default`` class's limits are every project's defaults (over
``[quota]``); other classes are kept and shown, as Nova does, but no
project is assigned to them.
"""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import quota_classes as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.policies import quota_class_sets as qcs_policies
from nova_lite import quota

POLICY = qcs_policies.PREFIX
# NOTE: the class name's length limit: the database column's.
MAX_CLASS_NAME_LENGTH = 255


def _resources(req):
    """The resources a quota class set shows at the microversion."""
    if api_version_request.is_supported(req, '2.57'):
        return schema.RESOURCES_V257
    if api_version_request.is_supported(req, '2.50'):
        return schema.RESOURCES_V250
    return schema.RESOURCES


def _view(req, quotas, class_name=None):
    """``{"quota_class_set": ...}``; nova-network's resources (below
    2.50) are unlimited unless the class set them: nothing counts them."""
    view = {name: quotas.get(name, -1) for name in _resources(req)}
    if class_name is not None:
        view['id'] = class_name
    return {'quota_class_set': view}


class QuotaClassSetsController(wsgi.Controller):

    @wsgi.expected_errors(())
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response, '2.1', '2.49')
    @validation.response_body_schema(schema.show_response_v250, '2.50',
                                     '2.56')
    @validation.response_body_schema(schema.show_response_v257, '2.57')
    def show(self, req, id):
        """The limits of quota class ``id`` (the defaults where it sets
        none; any name answers)."""
        context = req.environ['nova.context']
        context.can(POLICY % 'show', target={'quota_class': id})
        return _view(req, quota.get_class_quotas(id), id)

    @wsgi.expected_errors(400)
    @validation.schema(schema.update, '2.1', '2.49')
    @validation.schema(schema.update_v250, '2.50', '2.56')
    @validation.schema(schema.update_v257, '2.57')
    @validation.response_body_schema(schema.update_response, '2.1', '2.49')
    @validation.response_body_schema(schema.update_response_v250, '2.50',
                                     '2.56')
    @validation.response_body_schema(schema.update_response_v257, '2.57')
    def update(self, req, id, body):
        """Set limits of quota class ``id``; answers with all of them.

        Setting the ``default`` class changes the defaults of every
        project without limits of its own.

        :raises: HTTPBadRequest for a class name over 255 characters.
        """
        context = req.environ['nova.context']
        context.can(POLICY % 'update', target={'quota_class': id})
        if len(id) > MAX_CLASS_NAME_LENGTH:
            raise webob.exc.HTTPBadRequest(
                explanation='quota_class_name has more than %d characters.'
                            % MAX_CLASS_NAME_LENGTH)
        quota.set_class_quotas(id, body['quota_class_set'])
        return _view(req, quota.get_class_quotas(id))
