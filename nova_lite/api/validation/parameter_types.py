"""Reusable JSON schema fragments for request bodies and query strings.

The ``format`` names used here ('name', 'uuid', 'base64', 'date-time',
'ipv4', 'ipv6', 'description') are checked by ``validators.py``.
"""

import copy

# Largest value of a signed 32-bit database integer column.
MAX_INT = 0x7FFFFFFF
# Largest value of a single-precision database float column.
SQL_SP_FLOAT_MAX = 3.40282e+38
MAX_TAG_LENGTH = 60


def single_param(schema):
    """A query parameter that may appear once."""
    ret = multi_params(schema)
    ret['maxItems'] = 1
    return ret


def multi_params(schema):
    """A query parameter that may repeat: query values arrive as lists."""
    return {'type': 'array', 'items': schema}


common_query_param = multi_params({'type': 'string'})
common_query_regex_param = multi_params({'type': 'string', 'format': 'regex'})

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
             'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
             'NO', 'No', 'no'],
}

none = {
    'enum': ['None', None, {}],
}

positive_integer = {
    'type': ['integer', 'string'],
    'pattern': '^[0-9]*$', 'minimum': 1, 'minLength': 1,
}

non_negative_integer = {
    'type': ['integer', 'string'],
    'pattern': '^[0-9]*$', 'minimum': 0, 'minLength': 1,
}

hostname = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    # NOTE: RFC 952 forbids underscores, but real hosts have them.
    'pattern': '^[a-zA-Z0-9-._]*$',
}

name = {
    # Server, flavor, key pair... names: printable, no leading or trailing
    # whitespace.
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'format': 'name',
}

name_or_none = {
    'oneOf': [
        {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'format': 'name'},
        {'type': 'null'},
    ],
}

description = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
    'format': 'description',
}

uuid = {
    'type': 'string', 'format': 'uuid',
}

server_id = uuid
image_id = uuid
volume_id = uuid
network_id = uuid
network_port_id = uuid

image_id_or_empty_string = {
    # NOTE: an empty imageRef is how a boot-from-volume request says
    # "no image"; the controller refuses it otherwise.
    'oneOf': [
        {'type': 'string', 'format': 'uuid'},
        {'type': 'string', 'maxLength': 0},
    ],
}

# NOTE: the image service is ours, but clients may also pass an image
# URL; Nova accepts only a UUID or '' since 2.1, and so do we.
image_ref = image_id_or_empty_string

admin_password = {
    # Not stored; users pick long or odd passwords, so no limits.
    'type': 'string',
}

flavor_ref = {
    # A flavor id, or a URL ending in one.
    'type': ['string', 'integer'], 'minLength': 1,
}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {
            'type': 'string', 'maxLength': 255,
        },
    },
    'additionalProperties': False,
}

ip_address = {
    'type': 'string',
    'oneOf': [
        {'format': 'ipv4'},
        {'format': 'ipv6'},
    ],
}

ipv4 = {'type': 'string', 'format': 'ipv4'}
ipv6 = {'type': 'string', 'format': 'ipv6'}
accessIPv4 = ipv4
accessIPv6 = ipv6

volume_size = {
    'type': ['integer', 'string'],
    'pattern': '^[0-9]+$',
    'minimum': 1,
    'maximum': MAX_INT,
}

disk_config = {
    'type': 'string',
    'enum': ['AUTO', 'MANUAL'],
}

flavor_param_positive = copy.deepcopy(volume_size)

flavor_param_non_negative = copy.deepcopy(volume_size)
flavor_param_non_negative['minimum'] = 0

personality = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'path': {'type': 'string'},
            'contents': {'type': 'string', 'format': 'base64'},
        },
        'additionalProperties': False,
    },
}

user_data = {
    'type': 'string', 'format': 'base64', 'maxLength': 65535,
}

tag = {
    'type': 'string',
    'minLength': 1, 'maxLength': MAX_TAG_LENGTH,
    'pattern': '^[^,/]*$',
}

pagination_parameters = {
    'limit': multi_params(non_negative_integer),
    'marker': multi_params({'type': 'string'}),
}
