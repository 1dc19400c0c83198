"""Links of the usage reports' pages (2.40)."""

from nova_lite.api.openstack import common


class ViewBuilder(common.ViewBuilder):

    _collection_name = 'os-simple-tenant-usage'

    def get_links(self, request, server_usages, tenant_id=None):
        """The 'next' link of a full page; pages count servers, not
        projects, so the marker is the last server's uuid."""
        collection = self._collection_name
        if tenant_id:
            collection = '%s/%s' % (collection, tenant_id)
        return self._get_collection_links(request, server_usages,
                                          collection, 'instance_id')
