"""Schemas of /os-floating-ip-pools."""

index_query = {
    'type': 'object',
    'properties': {},
    # NOTE: unknown parameters are stripped, not refused, as in Nova.
    'additionalProperties': True,
}

# NOTE: nova-lite has no floating IP pools: the list is always empty, but
# an entry would be Nova's ``{"name": pool}``.
index_response = {
    'type': 'object',
    'properties': {
        'floating_ip_pools': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {'name': {'type': 'string'}},
                'required': ['name'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['floating_ip_pools'],
    'additionalProperties': False,
}

# NOTE: from 2.36 the method only ever answers 404: no body is right.
index_response_v236 = {'not': {}}
