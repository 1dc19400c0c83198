"""Schemas of /flavors: the list query strings and the flavor bodies."""

import copy

from nova_lite.api.validation import parameter_types

VALID_SORT_KEYS = [
    'created_at', 'description', 'disabled', 'ephemeral_gb', 'flavorid',
    'id', 'is_public', 'memory_mb', 'name', 'root_gb', 'rxtx_factor',
    'swap', 'updated_at', 'vcpu_weight', 'vcpus',
]
VALID_SORT_DIR = ['asc', 'desc']

index_query = {
    'type': 'object',
    'properties': {
        'limit': parameter_types.multi_params(
            parameter_types.non_negative_integer),
        'marker': parameter_types.multi_params({'type': 'string'}),
        'is_public': parameter_types.multi_params({'type': 'string'}),
        'minRam': parameter_types.multi_params({'type': 'string'}),
        'minDisk': parameter_types.multi_params({'type': 'string'}),
        'sort_key': parameter_types.multi_params(
            {'type': 'string', 'enum': VALID_SORT_KEYS}),
        'sort_dir': parameter_types.multi_params(
            {'type': 'string', 'enum': VALID_SORT_DIR}),
    },
    # NOTE: unknown parameters are stripped, not refused, until 2.75.
    'additionalProperties': True,
}

# 2.75: unknown parameters are refused.
index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# ---- responses --------------------------------------------------------------

_link = {
    'type': 'object',
    'properties': {
        'rel': {'type': 'string'},
        'href': {'type': 'string', 'format': 'uri'},
        'type': {'type': 'string'},
    },
    'required': ['rel', 'href'],
    'additionalProperties': False,
}
_links = {'type': 'array', 'items': _link}

# A flavor body changes at 2.55 (description), 2.61 (extra_specs, when
# policy allows) and 2.75 (swap 0 instead of "").


def _brief(version):
    schema = {
        'type': 'object',
        'properties': {
            'id': {'type': 'string'},
            'name': {'type': 'string'},
            'links': _links,
        },
        'required': ['id', 'name', 'links'],
        'additionalProperties': False,
    }
    if version >= (2, 55):
        schema['properties']['description'] = {'type': ['string', 'null']}
        schema['required'].append('description')
    return schema


def flavor(version):
    """The full flavor at ``version`` ((major, minor))."""
    schema = {
        'type': 'object',
        'properties': {
            'id': {'type': 'string'},
            'name': {'type': 'string'},
            'ram': {'type': 'integer'},
            'disk': {'type': 'integer'},
            'swap': ({'type': 'integer'} if version >= (2, 75) else
                     {'oneOf': [{'type': 'integer', 'minimum': 1},
                                {'type': 'string', 'enum': ['']}]}),
            'OS-FLV-EXT-DATA:ephemeral': {'type': 'integer'},
            'OS-FLV-DISABLED:disabled': {'type': 'boolean'},
            'vcpus': {'type': 'integer'},
            'os-flavor-access:is_public': {'type': 'boolean'},
            'rxtx_factor': {'type': ['number', 'string']},
            'links': _links,
        },
        'required': ['id', 'name', 'ram', 'disk', 'swap',
                     'OS-FLV-EXT-DATA:ephemeral', 'OS-FLV-DISABLED:disabled',
                     'vcpus', 'os-flavor-access:is_public', 'rxtx_factor',
                     'links'],
        'additionalProperties': False,
    }
    if version >= (2, 55):
        schema['properties']['description'] = {'type': ['string', 'null']}
        schema['required'].append('description')
    if version >= (2, 61):
        # Only when the extra specs index policy allows.
        schema['properties']['extra_specs'] = {
            'type': 'object', 'additionalProperties': {'type': 'string'}}
    return schema


def _one(version):
    return {
        'type': 'object',
        'properties': {'flavor': flavor(version)},
        'required': ['flavor'],
        'additionalProperties': False,
    }


def _many(item):
    return {
        'type': 'object',
        'properties': {
            'flavors': {'type': 'array', 'items': item},
            'flavors_links': _links,
        },
        'required': ['flavors'],
        'additionalProperties': False,
    }


show_response = _one((2, 1))
show_response_v255 = _one((2, 55))
show_response_v261 = _one((2, 61))
show_response_v275 = _one((2, 75))
index_response = _many(_brief((2, 1)))
index_response_v255 = _many(_brief((2, 55)))
detail_response = _many(flavor((2, 1)))
detail_response_v255 = _many(flavor((2, 55)))
detail_response_v261 = _many(flavor((2, 61)))
detail_response_v275 = _many(flavor((2, 75)))
