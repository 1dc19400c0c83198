"""Views of the API version documents (``GET /``, ``/v2.1``, ``/v2``)."""

import copy

from nova_lite.api.openstack import common


def get_view_builder(req):
    return ViewBuilder(common.versions_base_url(req))


class ViewBuilder(object):

    def __init__(self, base_url):
        """:param base_url: URL of the API root, without any version."""
        self.base_url = base_url

    def build_versions(self, versions):
        """The list of ``GET /``: each version with its self link."""
        listed = []
        for version in versions.values():
            listed.append({
                'id': version['id'],
                'status': version['status'],
                'version': version['version'],
                'min_version': version['min_version'],
                'updated': version['updated'],
                'links': [{'rel': 'self',
                           'href': self.generate_href(version['id'])}],
            })
        return {'versions': listed}

    def build_version(self, version):
        """The document of one version: self link first, then the rest."""
        document = copy.deepcopy(version)
        document['links'].insert(0, {
            'rel': 'self', 'href': self.generate_href(version['id'])})
        return {'version': document}

    def generate_href(self, version_id):
        # NOTE: v2.0 lives under /v2, as in Nova.
        path = 'v2.1' if version_id.startswith('v2.1') else 'v2'
        return common.url_join(self.base_url, path, '')
