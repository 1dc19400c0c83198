"""Schemas of the lock and unlock server actions."""

# NOTE: up to 2.72 any value under the key is accepted and ignored.
lock = {
    'type': 'object',
    'properties': {'lock': {}},
    'required': ['lock'],
    'additionalProperties': False,
}

# NOTE: 2.73 adds an optional reason; the body is null or that object.
lock_v273 = {
    'type': 'object',
    'properties': {
        'lock': {
            'type': ['object', 'null'],
            'properties': {
                'locked_reason': {
                    'type': 'string', 'minLength': 1, 'maxLength': 255,
                },
            },
            'additionalProperties': False,
        },
    },
    'required': ['lock'],
    'additionalProperties': False,
}

# NOTE: at every microversion any value under the key is accepted and
# ignored, as in Nova (clients send null, tempest sends {}).
unlock = {
    'type': 'object',
    'properties': {'unlock': {}},
    'required': ['unlock'],
    'additionalProperties': False,
}

# NOTE: both answer 202 with no body, at every microversion.
lock_response = {'type': 'null'}
unlock_response = lock_response
