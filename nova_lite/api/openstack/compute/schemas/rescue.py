"""Schemas of the rescue and unrescue server actions."""

from nova_lite.api.validation import parameter_types

rescue = {
    'type': 'object',
    'properties': {
        'rescue': {
            'type': ['object', 'null'],
            'properties': {
                'adminPass': parameter_types.admin_password,
                'rescue_image_ref': parameter_types.image_id,
            },
            'additionalProperties': False,
        },
    },
    'required': ['rescue'],
    'additionalProperties': False,
}

unrescue = {
    'type': 'object',
    'properties': {'unrescue': {}},
    'required': ['unrescue'],
    'additionalProperties': False,
}

# NOTE: the password only when [api] enable_instance_password is set.
rescue_response = {
    'type': 'object',
    'properties': {
        'adminPass': {'type': 'string'},
    },
    'additionalProperties': False,
}

unrescue_response = {'type': 'null'}
