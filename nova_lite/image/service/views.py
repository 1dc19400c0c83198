"""Image bodies exactly as Glance v2 shows them."""

# Core attributes of every image body; custom properties sit beside them
# at the top level.
_ATTRIBUTES = ('name', 'disk_format', 'container_format', 'visibility',
               'size', 'virtual_size', 'status', 'checksum', 'protected',
               'min_ram', 'min_disk', 'owner', 'os_hidden', 'os_hash_algo',
               'os_hash_value')


def isotime(value):
    """``2016-06-29T16:13:07Z``: Glance's timestamps, UTC, no fraction."""
    return value.strftime('%Y-%m-%dT%H:%M:%SZ') if value else None


def image_href(image_id, subcollection=None):
    href = '/v2/images/%s' % image_id
    return '%s/%s' % (href, subcollection) if subcollection else href


def image_view(image):
    """The body of one image dict (see ``db.api.image_to_dict``)."""
    view = dict(image['properties'])
    for key in _ATTRIBUTES:
        view[key] = image[key]
    view['id'] = image['id']
    view['created_at'] = isotime(image['created_at'])
    view['updated_at'] = isotime(image['updated_at'])
    view['tags'] = list(image['tags'])
    view['self'] = image_href(image['id'])
    view['file'] = image_href(image['id'], 'file')
    view['schema'] = '/v2/schemas/image'
    return view
