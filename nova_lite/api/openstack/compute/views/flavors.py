"""Views of flavors: the brief list entry and the full flavor."""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common


class ViewBuilder(common.ViewBuilder):

    _collection_name = 'flavors'

    def basic(self, request, flavor):
        return {
            'flavor': {
                'id': flavor.flavorid,
                'name': flavor.name,
                'links': self._get_links(request, flavor.flavorid,
                                         self._collection_name),
            },
        }

    def show(self, request, flavor):
        flavor_dict = {
            'id': flavor.flavorid,
            'name': flavor.name,
            'ram': flavor.memory_mb,
            'disk': flavor.root_gb,
            'swap': flavor.swap,
            'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
            'OS-FLV-DISABLED:disabled': getattr(flavor, 'disabled', False),
            'vcpus': flavor.vcpus,
            'os-flavor-access:is_public': flavor.is_public,
            'rxtx_factor': flavor.rxtx_factor or '',
            'links': self._get_links(request, flavor.flavorid,
                                     self._collection_name),
        }
        if not api_version_request.is_supported(request, '2.75'):
            # NOTE: before 2.75 "no swap" is the empty string, not 0.
            flavor_dict['swap'] = flavor.swap or ''
        return {'flavor': flavor_dict}

    def index(self, request, flavors):
        return self._list_view(self.basic, request, flavors)

    def detail(self, request, flavors):
        return self._list_view(self.show, request, flavors)

    def _list_view(self, func, request, flavors):
        result = {'flavors': [func(request, flavor)['flavor']
                              for flavor in flavors]}
        links = self._get_collection_links(request, flavors,
                                           self._collection_name,
                                           'flavorid')
        if links:
            result['flavors_links'] = links
        return result
