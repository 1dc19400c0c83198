"""Schemas of the server security group actions and list."""

_group = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    },
    'required': ['name'],
    'additionalProperties': False,
}

add_security_group = {
    'type': 'object',
    'properties': {'addSecurityGroup': _group},
    'required': ['addSecurityGroup'],
    'additionalProperties': False,
}

remove_security_group = {
    'type': 'object',
    'properties': {'removeSecurityGroup': _group},
    'required': ['removeSecurityGroup'],
    'additionalProperties': False,
}

# NOTE: both answer 202 with no body, at every microversion.
add_security_group_response = {'type': 'null'}
remove_security_group_response = add_security_group_response

index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

index_response = {
    'type': 'object',
    'properties': {
        'security_groups': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'id': {'type': 'string'},
                    'name': {'type': 'string'},
                    'description': {'type': 'string'},
                    'tenant_id': {'type': 'string'},
                    'rules': {'type': 'array', 'maxItems': 0},
                },
                'required': ['id', 'name', 'description', 'tenant_id',
                             'rules'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['security_groups'],
    'additionalProperties': False,
}
