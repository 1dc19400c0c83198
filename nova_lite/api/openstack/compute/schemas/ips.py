"""Schemas of /servers/{server_id}/ips: the query strings."""

index_query = {
    'type': 'object',
    'properties': {},
    # NOTE: unknown parameters are stripped, not refused, as in Nova.
    'additionalProperties': True,
}

show_query = index_query

# ---- responses --------------------------------------------------------------

_address = {
    'type': 'object',
    'properties': {
        'addr': {'type': 'string'},
        'version': {'type': 'integer', 'enum': [4, 6]},
    },
    'required': ['addr', 'version'],
    'additionalProperties': False,
}

# NOTE: network labels are the keys, so any name is allowed; each maps to
# the server's addresses on that network.
_networks = {
    'type': 'object',
    'additionalProperties': {'type': 'array', 'items': _address},
}

index_response = {
    'type': 'object',
    'properties': {
        'addresses': _networks,
    },
    'required': ['addresses'],
    'additionalProperties': False,
}

# ``{label: [addresses]}`` of the one network asked for.
show_response = dict(_networks, minProperties=1, maxProperties=1)
