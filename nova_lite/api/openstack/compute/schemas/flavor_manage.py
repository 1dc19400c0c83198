"""Schemas of flavor management (admins): create, update (2.55), delete."""

import copy

from nova_lite.api.openstack.compute.schemas import flavors
from nova_lite.api.validation import parameter_types

create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                # Optional: a UUID is generated when missing or null.
                # No leading or trailing spaces.
                'id': {
                    'type': ['string', 'number', 'null'],
                    'minLength': 1, 'maxLength': 255,
                    'pattern': '^(?! )[a-zA-Z0-9. _-]+(?<! )$',
                },
                'ram': parameter_types.flavor_param_positive,
                'vcpus': parameter_types.flavor_param_positive,
                'disk': parameter_types.flavor_param_non_negative,
                'OS-FLV-EXT-DATA:ephemeral':
                    parameter_types.flavor_param_non_negative,
                'swap': parameter_types.flavor_param_non_negative,
                # A positive float, at most the database's float maximum.
                'rxtx_factor': {
                    'type': ['number', 'string'],
                    'pattern': r'^[0-9]+(\.[0-9]+)?$',
                    'minimum': 0, 'exclusiveMinimum': True,
                    'maximum': parameter_types.SQL_SP_FLOAT_MAX,
                },
                'os-flavor-access:is_public': parameter_types.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

# 2.55: a description.
create_v255 = copy.deepcopy(create)
create_v255['properties']['flavor']['properties'][
    'description'] = parameter_types.description

# 2.55: PUT /flavors/{id} changes the description, and only that.
update_v255 = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': parameter_types.description},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

# Create and update answer with the flavor as show does.
create_response = flavors.show_response
create_response_v255 = flavors.show_response_v255
create_response_v261 = flavors.show_response_v261
create_response_v275 = flavors.show_response_v275
delete_response = {'type': 'null'}
