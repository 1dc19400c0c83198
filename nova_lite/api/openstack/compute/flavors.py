"""The /flavors controller: list (brief and detailed) and show."""

from oslo_utils import strutils
import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import flavors as schema
from nova_lite.api.openstack.compute.views import flavors as views_flavors
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import flavor as flavor_obj


class FlavorsController(wsgi.Controller):
    """Flavors anyone may read; their management is flavor_manage.py."""

    _view_builder_class = views_flavors.ViewBuilder

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query, '2.1', '2.74')
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.response_body_schema(schema.index_response,
                                     '2.1', '2.54')
    @validation.response_body_schema(schema.index_response_v255,
                                     '2.55')
    def index(self, req):
        """Brief list: id, name, links."""
        return self._view_builder.index(req, self._get_flavors(req))

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query, '2.1', '2.74')
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.response_body_schema(schema.detail_response,
                                     '2.1', '2.54')
    @validation.response_body_schema(schema.detail_response_v255,
                                     '2.55', '2.60')
    @validation.response_body_schema(schema.detail_response_v261,
                                     '2.61', '2.74')
    @validation.response_body_schema(schema.detail_response_v275,
                                     '2.75')
    def detail(self, req):
        """Full list."""
        return self._view_builder.detail(req, self._get_flavors(req))

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response,
                                     '2.1', '2.54')
    @validation.response_body_schema(schema.show_response_v255,
                                     '2.55', '2.60')
    @validation.response_body_schema(schema.show_response_v261,
                                     '2.61', '2.74')
    @validation.response_body_schema(schema.show_response_v275,
                                     '2.75')
    def show(self, req, id):
        """One flavor, disabled ones included; a private one only to
        admins and the projects it was given to (404 to others, as Nova
        does)."""
        context = req.environ['nova.context']
        return self._view_builder.show(req, get_visible(context, id))

    def _get_flavors(self, req):
        context = req.environ['nova.context']
        filters = {}
        sort_key = req.params.get('sort_key') or 'flavorid'
        sort_dir = req.params.get('sort_dir') or 'asc'
        limit, marker = common.get_limit_and_marker(req)

        if context.is_admin:
            # NOTE: only admins may see private flavors of every project;
            # the default is still "public only".
            filters['is_public'] = _parse_is_public(
                req.params.get('is_public'))
        else:
            filters['is_public'] = True
            filters['disabled'] = False

        for param, key in (('minRam', 'min_memory_mb'),
                           ('minDisk', 'min_root_gb')):
            if param in req.params:
                try:
                    filters[key] = int(req.params[param])
                except ValueError:
                    raise webob.exc.HTTPBadRequest(
                        explanation='Invalid %s filter [%s]' % (
                            param, req.params[param]))

        try:
            return objects.FlavorList.get_all(
                context, filters=filters, sort_key=sort_key,
                sort_dir=sort_dir, limit=limit, marker=marker)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)


def get_visible(context, flavor_id):
    """The flavor ``flavor_id`` if ``context`` may see it.

    :raises: FlavorNotFound (404), also for a private flavor the project
        has no access to, so its existence does not leak.
    """
    flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
    if not flavor_obj.is_visible(context, flavor):
        raise exception.FlavorNotFound(flavor_id=flavor_id)
    return flavor


def _parse_is_public(is_public):
    """True (public only, the default), False (private only) or None
    (both, for ``is_public=none``).

    :raises: HTTPBadRequest for anything else.
    """
    if is_public is None:
        return True
    if is_public.lower() == 'none':
        return None
    try:
        return strutils.bool_from_string(is_public, strict=True)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid is_public filter [%s]' % is_public)
