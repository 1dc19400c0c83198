"""Schemas of /os-keypairs: create/import and the query strings."""

import copy

from nova_lite.api.validation import parameter_types

create = {
    'type': 'object',
    'properties': {
        'keypair': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'public_key': {'type': 'string'},
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['keypair'],
    'additionalProperties': False,
}

# 2.2: a key type.
create_v22 = copy.deepcopy(create)
create_v22['properties']['keypair']['properties']['type'] = {
    'type': 'string', 'enum': ['ssh', 'x509'],
}

# 2.10: admins may create key pairs for another user.
create_v210 = copy.deepcopy(create_v22)
create_v210['properties']['keypair']['properties']['user_id'] = {
    'type': 'string',
}

index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# 2.10: ?user_id= (admins only).
index_query_v210 = {
    'type': 'object',
    'properties': {
        'user_id': parameter_types.multi_params({'type': 'string'}),
    },
    'additionalProperties': True,
}

# 2.35: pagination.
index_query_v235 = copy.deepcopy(index_query_v210)
index_query_v235['properties'].update(parameter_types.pagination_parameters)

show_query = index_query
show_query_v210 = index_query_v210
delete_query = index_query
delete_query_v210 = index_query_v210
