"""Schemas of the /images proxy (2.1-2.35): query strings and answers."""

import copy

from nova_lite.api.validation import parameter_types

index_query = {
    'type': 'object',
    'properties': {
        'name': parameter_types.common_query_param,
        'status': parameter_types.common_query_param,
        'changes-since': parameter_types.common_query_param,
        'server': parameter_types.common_query_param,
        'type': parameter_types.common_query_param,
        'minRam': parameter_types.common_query_param,
        'minDisk': parameter_types.common_query_param,
        'limit': parameter_types.multi_params(
            parameter_types.non_negative_integer),
        'page_size': parameter_types.multi_params(
            parameter_types.non_negative_integer),
        'marker': parameter_types.common_query_param,
    },
    'patternProperties': {
        '^property-.*$': parameter_types.common_query_param,
    },
    'additionalProperties': True,
}

detail_query = index_query

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# NOTE: from 2.36 the proxy is gone: any body, any query, answers 404.
gone_body = {
    'type': ['object', 'array', 'string', 'number', 'boolean', 'null'],
    'additionalProperties': True,
}
gone_response = {'type': 'null'}

_link = {
    'type': 'object',
    'properties': {
        'href': {'type': 'string', 'format': 'uri'},
        'rel': {'type': 'string', 'enum': ['self', 'bookmark', 'alternate']},
        'type': {'type': 'string',
                 'enum': ['application/vnd.openstack.image']},
    },
    'required': ['href', 'rel'],
    'additionalProperties': False,
}

_next_links = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'href': {'type': 'string', 'format': 'uri'},
            'rel': {'type': 'string', 'enum': ['next']},
        },
        'required': ['href', 'rel'],
        'additionalProperties': False,
    },
}

image_metadata = {
    'type': 'object',
    'additionalProperties': {'type': ['string', 'null']},
}

_brief_image = {
    'type': 'object',
    'properties': {
        'id': {'type': 'string'},
        'name': {'type': ['string', 'null']},
        'links': {'type': 'array', 'items': _link},
    },
    'required': ['id', 'name', 'links'],
    'additionalProperties': False,
}

_image = {
    'type': 'object',
    'properties': {
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'OS-EXT-IMG-SIZE:size': {'type': ['integer', 'null'], 'minimum': 0},
        'created': {'type': ['string', 'null']},
        'id': {'type': 'string'},
        'links': {'type': 'array', 'items': _link},
        'metadata': image_metadata,
        'minDisk': {'type': 'integer', 'minimum': 0},
        'minRam': {'type': 'integer', 'minimum': 0},
        'name': {'type': ['string', 'null']},
        'progress': {'type': 'integer', 'enum': [0, 25, 50, 100]},
        'server': {
            'type': 'object',
            'properties': {
                'id': {'type': 'string'},
                'links': {
                    'type': 'array',
                    'items': {
                        'type': 'object',
                        'properties': {
                            'href': {'type': 'string', 'format': 'uri'},
                            'rel': {'type': 'string',
                                    'enum': ['self', 'bookmark']},
                        },
                        'required': ['href', 'rel'],
                        'additionalProperties': False,
                    },
                },
            },
            'required': ['id', 'links'],
            'additionalProperties': False,
        },
        'status': {'type': 'string',
                   'enum': ['ACTIVE', 'SAVING', 'DELETED', 'ERROR',
                            'UNKNOWN']},
        'updated': {'type': ['string', 'null']},
    },
    'required': ['OS-EXT-IMG-SIZE:size', 'created', 'id', 'links',
                 'metadata', 'minDisk', 'minRam', 'name', 'progress',
                 'status', 'updated'],
    'additionalProperties': False,
}

index_response = {
    'type': 'object',
    'properties': {
        'images': {'type': 'array', 'items': _brief_image},
        'images_links': _next_links,
    },
    'required': ['images'],
    'additionalProperties': False,
}

detail_response = copy.deepcopy(index_response)
detail_response['properties']['images']['items'] = _image

show_response = {
    'type': 'object',
    'properties': {'image': _image},
    'required': ['image'],
    'additionalProperties': False,
}

delete_response = {'type': 'null'}
