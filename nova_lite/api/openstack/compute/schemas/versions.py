"""Schemas of the version documents: ``GET /`` and ``GET /v2.1``."""

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}
index_query = show_query

_link = {
    'type': 'object',
    'properties': {
        'rel': {'type': 'string'},
        'href': {'type': 'string'},
        'type': {'type': 'string'},
    },
    'required': ['rel', 'href'],
    'additionalProperties': False,
}

_version_common = {
    'id': {'type': 'string'},
    'status': {'type': 'string',
               'enum': ['CURRENT', 'SUPPORTED', 'DEPRECATED']},
    # The maximum microversion ('' when microversions are not served).
    'version': {'type': 'string'},
    'min_version': {'type': 'string'},
    'updated': {'type': 'string', 'format': 'date-time'},
    'links': {'type': 'array', 'items': _link},
}

index_response = {
    'type': 'object',
    'properties': {
        'versions': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': _version_common,
                'required': list(_version_common),
                'additionalProperties': False,
            },
        },
    },
    'required': ['versions'],
    'additionalProperties': False,
}

show_response = {
    'type': 'object',
    'properties': {
        'version': {
            'type': 'object',
            'properties': dict(_version_common, **{
                'media-types': {
                    'type': 'array',
                    'items': {
                        'type': 'object',
                        'properties': {
                            'base': {'type': 'string'},
                            'type': {'type': 'string'},
                        },
                        'required': ['base', 'type'],
                        'additionalProperties': False,
                    },
                },
            }),
            'required': list(_version_common) + ['media-types'],
            'additionalProperties': False,
        },
    },
    'required': ['version'],
    'additionalProperties': False,
}
