"""The /os-keypairs controller: list, show, create or import, delete.

What a key pair shows grows with the microversion: ``type`` at 2.2,
``user_id`` as a parameter (admins acting for others) at 2.10, pagination
at 2.35. Status codes change at 2.2 too: create 200 -> 201, delete
202 -> 204. From 2.92 key pairs can only be imported, and their names may
hold "@" and ".".
"""

import string

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import keypairs as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import keypairs as compute_keypairs
from nova_lite.policies import keypairs as kp_policies

POLICY = kp_policies.PREFIX
# Key pair name characters before 2.92.
_SAFE_NAME_CHARS = frozenset(string.ascii_letters + string.digits + '_- ')


class KeypairController(wsgi.Controller):

    _view_builder_class = common.ViewBuilder

    def __init__(self):
        super().__init__()
        self.api = compute_keypairs.KeypairAPI()

    # ---- create ------------------------------------------------------------

    @wsgi.api_version('2.10')
    @wsgi.response(201)
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create_v210, '2.10', '2.91')
    @validation.schema(schema.create_v292, '2.92')
    @validation.response_body_schema(schema.create_response_v22,
                                     '2.10', '2.91')
    @validation.response_body_schema(schema.create_response_v292, '2.92')
    def create(self, req, body):
        """Create (private key returned once) or import a key pair,
        optionally for another user (admins)."""
        user_id = body['keypair'].get('user_id')
        return self._create(req, body, with_type=True, user_id=user_id)

    @wsgi.api_version('2.2', '2.9')
    @wsgi.response(201)
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create_v22)
    @validation.response_body_schema(schema.create_response_v22)
    def create(self, req, body):  # noqa: F811
        return self._create(req, body, with_type=True)

    @wsgi.api_version('2.1', '2.1')
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.create_response)
    def create(self, req, body):  # noqa: F811
        return self._create(req, body)

    def _create(self, req, body, with_type=False, user_id=None):
        context = req.environ['nova.context']
        params = body['keypair']
        name = common.normalize_name(params['name'])
        if (not api_version_request.is_supported(req, '2.92') and
                not set(name) <= _SAFE_NAME_CHARS):
            # 2.92 widened the name and moved this check into the schema.
            raise webob.exc.HTTPBadRequest(
                explanation='Keypair data is invalid: Keypair name '
                            'contains unsafe characters')
        key_type = params.get('type', 'ssh')
        user_id = user_id or context.user_id
        context.can(POLICY % 'create',
                    target={'user_id': user_id,
                            'project_id': context.project_id})
        if 'public_key' in params:
            keypair = self.api.import_key_pair(
                context, user_id, name, params['public_key'], key_type)
            private_key = None
        else:
            keypair, private_key = self.api.create_key_pair(
                context, user_id, name, key_type)
        view = _keypair_view(keypair, with_type=with_type, user_id=True)
        if private_key is not None:
            view['private_key'] = private_key
        return {'keypair': view}

    # ---- delete ------------------------------------------------------------

    @wsgi.api_version('2.10')
    @wsgi.response(204)
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.delete_query_v210, '2.10', '2.74')
    @validation.query_schema(schema.delete_query_v275, '2.75')
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Delete a key pair (another user's for admins)."""
        self._delete(req, id, user_id=_user_id_param(req))

    @wsgi.api_version('2.2', '2.9')
    @wsgi.response(204)
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.delete_query)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):  # noqa: F811
        self._delete(req, id)

    @wsgi.api_version('2.1', '2.1')
    @wsgi.response(202)
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.delete_query)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):  # noqa: F811
        self._delete(req, id)

    def _delete(self, req, name, user_id=None):
        context = req.environ['nova.context']
        user_id = user_id or context.user_id
        context.can(POLICY % 'delete',
                    target={'user_id': user_id,
                            'project_id': context.project_id})
        self.api.delete_key_pair(context, user_id, name)

    # ---- show --------------------------------------------------------------

    @wsgi.api_version('2.10')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query_v210, '2.10', '2.74')
    @validation.query_schema(schema.show_query_v275, '2.75')
    @validation.response_body_schema(schema.show_response_v22)
    def show(self, req, id):
        """One key pair with its database attributes."""
        return self._show(req, id, with_type=True,
                          user_id=_user_id_param(req))

    @wsgi.api_version('2.2', '2.9')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response_v22)
    def show(self, req, id):  # noqa: F811
        return self._show(req, id, with_type=True)

    @wsgi.api_version('2.1', '2.1')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, id):  # noqa: F811
        return self._show(req, id)

    def _show(self, req, name, with_type=False, user_id=None):
        context = req.environ['nova.context']
        user_id = user_id or context.user_id
        context.can(POLICY % 'show',
                    target={'user_id': user_id,
                            'project_id': context.project_id})
        keypair = self.api.get_key_pair(context, user_id, name)
        view = _keypair_view(keypair, with_type=with_type, user_id=True)
        view.update({
            'created_at': _timestamp(getattr(keypair, 'created_at', None)),
            'updated_at': _timestamp(getattr(keypair, 'updated_at', None)),
            'deleted_at': _timestamp(getattr(keypair, 'deleted_at', None)),
            'deleted': bool(getattr(keypair, 'deleted', False)),
            'id': keypair.id,
        })
        return {'keypair': view}

    # ---- list --------------------------------------------------------------

    @wsgi.api_version('2.35')
    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query_v235, '2.35', '2.74')
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.response_body_schema(schema.index_response_v235)
    def index(self, req):
        """A page of the caller's key pairs (``user_id``'s for admins)."""
        limit, marker = common.get_limit_and_marker(req)
        return self._index(req, with_type=True, user_id=_user_id_param(req),
                           limit=limit, marker=marker, links=True)

    @wsgi.api_version('2.10', '2.34')
    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query_v210)
    @validation.response_body_schema(schema.index_response_v22)
    def index(self, req):  # noqa: F811
        return self._index(req, with_type=True, user_id=_user_id_param(req))

    @wsgi.api_version('2.2', '2.9')
    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response_v22)
    def index(self, req):  # noqa: F811
        return self._index(req, with_type=True)

    @wsgi.api_version('2.1', '2.1')
    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):  # noqa: F811
        return self._index(req)

    def _index(self, req, with_type=False, user_id=None, limit=None,
               marker=None, links=False):
        context = req.environ['nova.context']
        user_id = user_id or context.user_id
        context.can(POLICY % 'index',
                    target={'user_id': user_id,
                            'project_id': context.project_id})
        keypairs = self.api.get_key_pairs(context, user_id, limit=limit,
                                          marker=marker)
        result = {'keypairs': [
            {'keypair': _keypair_view(keypair, with_type=with_type)}
            for keypair in keypairs]}
        if links:
            next_links = self._view_builder._get_collection_links(
                req, keypairs, 'os-keypairs', 'name')
            if next_links:
                result['keypairs_links'] = next_links
        return result


def _user_id_param(req):
    """The ``user_id`` query parameter (2.10+), or None."""
    values = req.GET.getall('user_id')
    return values[0] if values else None


def _keypair_view(keypair, with_type=False, user_id=False):
    view = {
        'name': keypair.name,
        'public_key': keypair.public_key,
        'fingerprint': keypair.fingerprint,
    }
    if with_type:
        view['type'] = keypair.type
    if user_id:
        view['user_id'] = keypair.user_id
    return view


def _timestamp(at):
    """Key pair timestamps: naive ISO 8601 with microseconds, as Nova's
    JSON encoder writes datetimes."""
    if at is None:
        return None
    return at.replace(tzinfo=None).strftime('%Y-%m-%dT%H:%M:%S.%f')
