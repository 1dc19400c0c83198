"""Schemas of /os-availability-zone: both lists take no parameters."""

# Unknown parameters are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

detail_query = index_query

_zone_state = {
    'type': 'object',
    'properties': {'available': {'type': 'boolean'}},
    'required': ['available'],
    'additionalProperties': False,
}

_service_state = {
    'type': 'object',
    'properties': {
        'available': {'type': 'boolean'},
        'active': {'type': 'boolean'},
        'updated_at': {'type': ['string', 'null'], 'format': 'date-time'},
    },
    'required': ['available', 'active', 'updated_at'],
    'additionalProperties': False,
}

# {host: {binary: service state}}
_hosts = {
    'type': ['object', 'null'],
    'additionalProperties': {
        'type': 'object',
        'additionalProperties': _service_state,
    },
}


def _zones_response(hosts):
    return {
        'type': 'object',
        'properties': {
            'availabilityZoneInfo': {
                'type': 'array',
                'items': {
                    'type': 'object',
                    'properties': {
                        'zoneName': {'type': 'string'},
                        'zoneState': _zone_state,
                        'hosts': hosts,
                    },
                    'required': ['zoneName', 'zoneState', 'hosts'],
                    'additionalProperties': False,
                },
            },
        },
        'required': ['availabilityZoneInfo'],
        'additionalProperties': False,
    }


index_response = _zones_response({'type': 'null'})
detail_response = _zones_response(_hosts)
