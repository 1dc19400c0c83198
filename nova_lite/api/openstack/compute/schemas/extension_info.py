"""Schemas of /extensions: the queries and the answers."""

index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}
show_query = index_query

_extension = {
    'type': 'object',
    'properties': {
        'alias': {'type': 'string'},
        'description': {'type': 'string'},
        'links': {'type': 'array', 'maxItems': 0},
        'name': {'type': 'string'},
        'namespace': {'type': 'string', 'format': 'uri'},
        'updated': {'type': 'string', 'format': 'date-time'},
    },
    'required': ['alias', 'description', 'links', 'name', 'namespace',
                 'updated'],
    'additionalProperties': False,
}

index_response = {
    'type': 'object',
    'properties': {
        'extensions': {'type': 'array', 'items': _extension},
    },
    'required': ['extensions'],
    'additionalProperties': False,
}

show_response = {
    'type': 'object',
    'properties': {'extension': _extension},
    'required': ['extension'],
    'additionalProperties': False,
}
