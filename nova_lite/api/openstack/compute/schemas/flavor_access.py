"""Schemas of flavor access: the add/remove actions and the answers."""

_tenant_action = {
    'type': 'object',
    'properties': {
        # NOTE: a project id as flavor_projects stores it.
        'tenant': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    },
    'required': ['tenant'],
    'additionalProperties': False,
}

add_tenant_access = {
    'type': 'object',
    'properties': {'addTenantAccess': _tenant_action},
    'required': ['addTenantAccess'],
    'additionalProperties': False,
}

remove_tenant_access = {
    'type': 'object',
    'properties': {'removeTenantAccess': _tenant_action},
    'required': ['removeTenantAccess'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# NOTE: every flavor access call answers the flavor's whole access list.
access_list_response = {
    'type': 'object',
    'properties': {
        'flavor_access': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'flavor_id': {'type': 'string'},
                    'tenant_id': {'type': 'string'},
                },
                'required': ['flavor_id', 'tenant_id'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['flavor_access'],
    'additionalProperties': False,
}
