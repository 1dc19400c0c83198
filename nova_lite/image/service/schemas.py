"""The JSON schemas of images, as Glance publishes them under
``/v2/schemas/``: used to validate what clients send, and served to
clients (python-glanceclient builds its image model from them)."""

import jsonschema
import webob.exc

from nova_lite.image.service import wsgi

_UUID_PATTERN = ('^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}'
                 '-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$')

STATUSES = ('queued', 'saving', 'active', 'killed', 'deleted',
            'uploading', 'importing', 'pending_delete', 'deactivated')
VISIBILITIES = ('public', 'private', 'shared', 'community')
CONTAINER_FORMATS = ('ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed')
DISK_FORMATS = ('ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop')

_MAX_INT = 2 ** 31 - 1


def _base_properties():
    return {
        'id': {'type': 'string', 'pattern': _UUID_PATTERN,
               'description': 'An identifier for the image'},
        'name': {'type': ['null', 'string'], 'maxLength': 255,
                 'description': 'Descriptive name for the image'},
        'status': {'type': 'string', 'readOnly': True,
                   'enum': list(STATUSES),
                   'description': 'Status of the image'},
        'visibility': {'type': 'string', 'enum': list(VISIBILITIES),
                       'description': 'Scope of image accessibility'},
        'protected': {'type': 'boolean',
                      'description': 'If true, image will not be deletable.'},
        'os_hidden': {'type': 'boolean',
                      'description': 'If true, image will not appear in '
                                     'default image list response.'},
        'checksum': {'type': ['null', 'string'], 'readOnly': True,
                     'maxLength': 32,
                     'description': 'md5 hash of image contents.'},
        'os_hash_algo': {'type': ['null', 'string'], 'readOnly': True,
                         'maxLength': 64,
                         'description': 'Algorithm to calculate the '
                                        'os_hash_value'},
        'os_hash_value': {'type': ['null', 'string'], 'readOnly': True,
                          'maxLength': 128,
                          'description': 'Hexdigest of the image contents '
                                         'using the algorithm specified by '
                                         'the os_hash_algo'},
        'owner': {'type': ['null', 'string'], 'maxLength': 255,
                  'description': 'Owner of the image'},
        'size': {'type': ['null', 'integer'], 'readOnly': True,
                 'description': 'Size of image file in bytes'},
        'virtual_size': {'type': ['null', 'integer'], 'readOnly': True,
                         'description': 'Virtual size of image in bytes'},
        'container_format': {'type': ['null', 'string'],
                             'enum': [None] + list(CONTAINER_FORMATS),
                             'description': 'Format of the container'},
        'disk_format': {'type': ['null', 'string'],
                        'enum': [None] + list(DISK_FORMATS),
                        'description': 'Format of the disk'},
        'created_at': {'type': 'string', 'readOnly': True,
                       'description': 'Date and time of image registration'},
        'updated_at': {'type': 'string', 'readOnly': True,
                       'description': 'Date and time of the last image '
                                      'modification'},
        'tags': {'type': 'array',
                 'items': {'type': 'string', 'maxLength': 255},
                 'description': 'List of strings related to the image'},
        'min_ram': {'type': 'integer', 'minimum': 0, 'maximum': _MAX_INT,
                    'description': 'Amount of ram (in MB) required to boot '
                                   'image.'},
        'min_disk': {'type': 'integer', 'minimum': 0, 'maximum': _MAX_INT,
                     'description': 'Amount of disk space (in GB) required '
                                    'to boot image.'},
        'self': {'type': 'string', 'readOnly': True,
                 'description': 'An image self url'},
        'file': {'type': 'string', 'readOnly': True,
                 'description': 'An image file url'},
        'schema': {'type': 'string', 'readOnly': True,
                   'description': 'An image schema url'},
        # NOTE: not columns but custom properties, which Glance's schema
        # still names so that their values are checked.
        'kernel_id': {'type': ['null', 'string'], 'pattern': _UUID_PATTERN,
                      'is_base': False,
                      'description': 'ID of image stored in Glance that '
                                     'should be used as the kernel when '
                                     'booting an AMI-style image.'},
        'ramdisk_id': {'type': ['null', 'string'], 'pattern': _UUID_PATTERN,
                       'is_base': False,
                       'description': 'ID of image stored in Glance that '
                                      'should be used as the ramdisk when '
                                      'booting an AMI-style image.'},
    }


def image_schema():
    """The ``image`` schema document."""
    return {
        'name': 'image',
        'properties': _base_properties(),
        # NOTE: custom properties are strings; 255 characters is the
        # width of their column.
        'additionalProperties': {'type': 'string', 'maxLength': 255},
        'links': [{'rel': 'self', 'href': '{self}'},
                  {'rel': 'enclosure', 'href': '{file}'},
                  {'rel': 'describedby', 'href': '{schema}'}],
    }


def images_schema():
    """The ``images`` (list) schema document."""
    return {
        'name': 'images',
        'properties': {
            'images': {'type': 'array', 'items': image_schema()},
            'schema': {'type': 'string'},
            'first': {'type': 'string'},
            'next': {'type': 'string'},
        },
        'links': [{'rel': 'first', 'href': '{first}'},
                  {'rel': 'next', 'href': '{next}'},
                  {'rel': 'describedby', 'href': '{schema}'}],
    }


_VALIDATOR = jsonschema.Draft4Validator(image_schema())


def validate_image(values):
    """Check ``values`` (a whole or partial image) against the schema.

    :raises: HTTPBadRequest with Glance's message when they do not match.
    """
    error = next(iter(_VALIDATOR.iter_errors(values)), None)
    if error is not None:
        raise webob.exc.HTTPBadRequest(
            explanation="Provided object does not match schema 'image': %s"
            % error.message)


class SchemasController(object):
    """``GET /v2/schemas/image`` and ``GET /v2/schemas/images``."""

    def image(self, req):
        return wsgi.json_response(image_schema())

    def images(self, req):
        return wsgi.json_response(images_schema())
