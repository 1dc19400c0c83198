"""Views of flavors: the brief list entry and the full flavor."""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.policies import flavor_extra_specs as fes_policies


def can_show_extra_specs(request):
    """Whether flavor views carry extra_specs: from 2.61, to callers the
    extra specs index policy allows."""
    if not api_version_request.is_supported(request, '2.61'):
        return False
    context = request.environ['nova.context']
    return context.can(fes_policies.PREFIX % 'index', fatal=False)


class ViewBuilder(common.ViewBuilder):

    _collection_name = 'flavors'

    def basic(self, request, flavor, include_extra_specs=False):
        flavor_dict = {
            'id': flavor.flavorid,
            'name': flavor.name,
            'links': self._get_links(request, flavor.flavorid,
                                     self._collection_name),
        }
        if api_version_request.is_supported(request, '2.55'):
            flavor_dict['description'] = flavor.description
        return {'flavor': flavor_dict}

    def show(self, request, flavor, include_extra_specs=None):
        """The full flavor; ``include_extra_specs`` None asks the policy."""
        if include_extra_specs is None:
            include_extra_specs = can_show_extra_specs(request)
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
        if api_version_request.is_supported(request, '2.55'):
            flavor_dict['description'] = flavor.description
        if include_extra_specs:
            flavor_dict['extra_specs'] = dict(flavor.extra_specs or {})
        return {'flavor': flavor_dict}

    def index(self, request, flavors):
        return self._list_view(self.basic, request, flavors)

    def detail(self, request, flavors):
        return self._list_view(self.show, request, flavors,
                               can_show_extra_specs(request))

    def _list_view(self, func, request, flavors, include_extra_specs=False):
        result = {'flavors': [func(request, flavor,
                                   include_extra_specs)['flavor']
                              for flavor in flavors]}
        links = self._get_collection_links(request, flavors,
                                           self._collection_name,
                                           'flavorid')
        if links:
            result['flavors_links'] = links
        return result
