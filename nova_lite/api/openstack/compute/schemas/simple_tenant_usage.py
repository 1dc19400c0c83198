"""Schemas of /os-simple-tenant-usage: query strings and answers.

2.40 adds ``limit``/``marker`` and the ``*_links`` of the answers; from
2.75 an unknown query parameter is refused instead of dropped.
"""

import copy

from nova_lite.api.validation import parameter_types

index_query = {
    'type': 'object',
    'properties': {
        'start': parameter_types.multi_params({'type': 'string'}),
        'end': parameter_types.multi_params({'type': 'string'}),
        'detailed': parameter_types.multi_params({'type': 'string'}),
    },
    'additionalProperties': True,
}

show_query = {
    'type': 'object',
    'properties': {
        'start': parameter_types.multi_params({'type': 'string'}),
        'end': parameter_types.multi_params({'type': 'string'}),
    },
    'additionalProperties': True,
}

index_query_v240 = copy.deepcopy(index_query)
index_query_v240['properties'].update(parameter_types.pagination_parameters)

show_query_v240 = copy.deepcopy(show_query)
show_query_v240['properties'].update(parameter_types.pagination_parameters)

index_query_v275 = copy.deepcopy(index_query_v240)
index_query_v275['additionalProperties'] = False

show_query_v275 = copy.deepcopy(show_query_v240)
show_query_v275['additionalProperties'] = False

_links = {
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
    'maxItems': 1,
}

_server_usage = {
    'type': 'object',
    'properties': {
        'ended_at': {'type': ['string', 'null']},
        'flavor': {'type': 'string'},
        'hours': {'type': 'number'},
        'instance_id': {'type': 'string', 'format': 'uuid'},
        'local_gb': {'type': 'integer', 'minimum': 0},
        'memory_mb': {'type': 'integer', 'minimum': 0},
        'name': {'type': ['string', 'null']},
        'started_at': {'type': 'string'},
        'state': {'type': 'string'},
        'tenant_id': {'type': 'string'},
        'uptime': {'type': 'integer'},
        'vcpus': {'type': 'integer', 'minimum': 0},
    },
    'required': ['ended_at', 'flavor', 'hours', 'instance_id', 'local_gb',
                 'memory_mb', 'name', 'started_at', 'state', 'tenant_id',
                 'uptime', 'vcpus'],
    'additionalProperties': False,
}

_tenant_usage = {
    'type': 'object',
    'properties': {
        'server_usages': {'type': 'array', 'items': _server_usage},
        'start': {'type': 'string'},
        'stop': {'type': 'string'},
        'tenant_id': {'type': 'string'},
        'total_hours': {'type': 'number'},
        'total_local_gb_usage': {'type': 'number'},
        'total_memory_mb_usage': {'type': 'number'},
        'total_vcpus_usage': {'type': 'number'},
    },
    'required': ['start', 'stop', 'tenant_id', 'total_hours',
                 'total_local_gb_usage', 'total_memory_mb_usage',
                 'total_vcpus_usage'],
    'additionalProperties': False,
}

index_response = {
    'type': 'object',
    'properties': {
        'tenant_usages': {'type': 'array', 'items': _tenant_usage},
    },
    'required': ['tenant_usages'],
    'additionalProperties': False,
}

index_response_v240 = copy.deepcopy(index_response)
index_response_v240['properties']['tenant_usages_links'] = _links

# NOTE: a project without usage in the window answers an empty object.
show_response = {
    'type': 'object',
    'properties': {
        'tenant_usage': {
            'oneOf': [
                _tenant_usage,
                {'type': 'object', 'properties': {}, 'maxProperties': 0,
                 'additionalProperties': False},
            ],
        },
    },
    'required': ['tenant_usage'],
    'additionalProperties': False,
}

show_response_v240 = copy.deepcopy(show_response)
show_response_v240['properties']['tenant_usage_links'] = _links
