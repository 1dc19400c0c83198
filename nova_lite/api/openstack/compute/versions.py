"""Controllers of the version documents: ``GET /``, ``/v2.1[/]``,
``/v2[/]``."""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import versions as schema
from nova_lite.api.openstack.compute.views import versions as views_versions
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation

# NOTE: listed in this order, as Nova: the legacy v2.0 first. v2.0 is the
# v2.1 code at the base microversion, served under /v2 (see urlmap.py);
# it has no microversions, hence the empty version strings.
VERSIONS = {
    'v2.0': {
        'id': 'v2.0',
        'status': 'SUPPORTED',
        'version': '',
        'min_version': '',
        'updated': '2011-01-21T11:33:21Z',
        'links': [{'rel': 'describedby', 'type': 'text/html',
                   'href': 'https://docs.openstack.org/'}],
        'media-types': [{
            'base': 'application/json',
            'type': 'application/vnd.openstack.compute+json;version=2',
        }],
    },
    'v2.1': {
        'id': 'v2.1',
        'status': 'CURRENT',
        'version': api_version_request.MAX_VERSION,
        'min_version': api_version_request.MIN_VERSION,
        'updated': '2013-07-23T11:33:21Z',
        'links': [{'rel': 'describedby', 'type': 'text/html',
                   'href': 'https://docs.openstack.org/'}],
        'media-types': [{
            'base': 'application/json',
            'type': 'application/vnd.openstack.compute+json;version=2.1',
        }],
    },
}


class Versions(wsgi.Controller):
    """``GET /``: every API version this service offers."""

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        builder = views_versions.get_view_builder(req)
        return builder.build_versions(VERSIONS)


class VersionsController(wsgi.Controller):
    """``GET /v2.1`` and ``GET /v2.1/``: the v2.1 document; ``GET /v2``
    and ``GET /v2/`` (``version_id='v2.0'``): the legacy v2.0 one.
    """

    def __init__(self, version_id='v2.1'):
        super().__init__()
        self.version_id = version_id

    @wsgi.expected_errors(())
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req):
        builder = views_versions.get_view_builder(req)
        return builder.build_version(VERSIONS[self.version_id])
