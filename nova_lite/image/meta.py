"""Image bodies as a server keeps them: Glance's own attributes, the
properties, and the ``image_*`` system_metadata (Nova's
``utils.get_system_metadata_from_image``).

NOTE: a leaf (it imports nothing of nova_lite) so that the virt drivers,
which may not import the image client, read image bodies the same way the
compute API records them.
"""

# NOTE: the image attributes Glance itself owns; every other key of an
# image body is a property, kept on the instance as "image_<key>" (as Nova
# keeps image_meta) so views can show them (2.98) without asking Glance.
BASE_ATTRIBUTES = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'checksum', 'owner',
    'size', 'virtual_size', 'created_at', 'updated_at', 'tags', 'file',
    'schema', 'self', 'direct_url', 'locations', 'os_hash_algo',
    'os_hash_value', 'os_hidden', 'stores', 'min_ram', 'min_disk',
    'disk_format', 'container_format', 'properties'))
# The attributes a server keeps beside the properties (what the API checks
# and a snapshot inherits).
SYSTEM_METADATA_ATTRIBUTES = ('min_ram', 'min_disk', 'disk_format',
                              'container_format')
# The image_* system_metadata keys that are not image properties.
_NOT_PROPERTIES = SYSTEM_METADATA_ATTRIBUTES + ('base_image_ref',)
# System metadata values are strings of at most 255 characters.
SYSTEM_METADATA_MAX = 255


def properties(image):
    """:returns: the properties of an image body (a dict): its keys that
    are not Glance attributes and its ``properties``, None values left
    out."""
    found = {key: value for key, value in image.items()
             if key not in BASE_ATTRIBUTES}
    found.update(image.get('properties') or {})
    return {key: value for key, value in found.items() if value is not None}


def properties_as_system_metadata(image):
    """:returns: ``{'image_<property>': value}`` of an image body's
    properties, as strings cut to the system_metadata limit."""
    return {'image_%s' % key: str(value)[:SYSTEM_METADATA_MAX]
            for key, value in properties(image).items()}


def system_metadata(image):
    """:returns: the ``image_*`` system_metadata of a server booted from
    the image body ``image``: the sizes and formats the API checks, the
    image id, and every image property (what 2.98 shows and snapshots
    inherit)."""
    found = {'image_%s' % key: str(image[key])
             for key in SYSTEM_METADATA_ATTRIBUTES
             if image.get(key) is not None}
    found['image_base_image_ref'] = image['id']
    found.update(properties_as_system_metadata(image))
    return found


def properties_from_system_metadata(system_metadata):
    """:returns: the image properties a server recorded in its ``image_*``
    system_metadata (the reverse of :func:`system_metadata`; Nova's
    ``utils.get_image_from_system_metadata``)."""
    return {key[len('image_'):]: value
            for key, value in system_metadata.items()
            if key.startswith('image_') and
            key[len('image_'):] not in _NOT_PROPERTIES}
