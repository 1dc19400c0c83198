"""Images as the Compute API's image proxy shows them (Nova's v2 view of a
Glance v2 image)."""

import datetime

from oslo_utils import strutils

from nova_lite.api.openstack import common
from nova_lite import conf
from nova_lite.image import glance

CONF = conf.CONF

# NOTE: the Compute API's words for Glance's image statuses, and how far
# along an image is in each; anything else is UNKNOWN at 0 %.
_STATUS = {
    'active': 'ACTIVE',
    'queued': 'SAVING',
    'saving': 'SAVING',
    'deleted': 'DELETED',
    'pending_delete': 'DELETED',
    'killed': 'ERROR',
}
_PROGRESS = {'queued': 25, 'saving': 50, 'active': 100}


def _format_date(value):
    """Glance's timestamp re-written as Nova writes it (UTC, 'Z')."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.strptime(value[:19], '%Y-%m-%dT%H:%M:%S')
    except (TypeError, ValueError):
        return value
    return parsed.strftime('%Y-%m-%dT%H:%M:%SZ')


class ViewBuilder(common.ViewBuilder):

    _collection_name = 'images'

    def basic(self, request, image):
        return {'image': {
            'id': image['id'],
            'name': image.get('name'),
            'links': self._image_links(request, image['id']),
        }}

    def show(self, request, image):
        properties = glance.properties_of(image)
        view = {
            'id': image['id'],
            'name': image.get('name'),
            'minRam': int(image.get('min_ram') or 0),
            'minDisk': int(image.get('min_disk') or 0),
            'metadata': properties,
            'created': _format_date(image.get('created_at')),
            'updated': _format_date(image.get('updated_at')),
            'status': _STATUS.get(image.get('status'), 'UNKNOWN'),
            'progress': _PROGRESS.get(image.get('status'), 0),
            # NOTE: Nova shows an image without data as size 0.
            'OS-EXT-IMG-SIZE:size': image.get('size') or 0,
            'links': self._image_links(request, image['id']),
        }
        instance_uuid = properties.get('instance_uuid')
        if instance_uuid is not None:
            view['server'] = {
                'id': instance_uuid,
                'links': self._get_links(request, instance_uuid, 'servers'),
            }
        auto_disk_config = properties.get('auto_disk_config')
        if auto_disk_config is not None:
            view['OS-DCF:diskConfig'] = (
                'AUTO' if strutils.bool_from_string(auto_disk_config)
                else 'MANUAL')
        return {'image': view}

    def index(self, request, images):
        return self._list_view(self.basic, request, images)

    def detail(self, request, images):
        return self._list_view(self.show, request, images)

    def _list_view(self, view, request, images):
        body = {'images': [view(request, image)['image']
                           for image in images]}
        links = self._get_collection_links(request, images,
                                           self._collection_name, 'id')
        if links:
            body['images_links'] = links
        return body

    def _image_links(self, request, image_id):
        links = self._get_links(request, image_id, self._collection_name)
        links.append({
            'rel': 'alternate',
            'type': 'application/vnd.openstack.image',
            'href': common.url_join(_glance_url(), self._collection_name,
                                    str(image_id)),
        })
        return links


def _glance_url():
    """The first image service of ``[glance] api_servers`` (nova-lite-all
    fills it in with its own)."""
    servers = CONF.glance.api_servers
    return servers[0].rstrip('/') if servers else ''
