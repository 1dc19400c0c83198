"""Schemas of the evacuate server action."""

import copy

from nova_lite.api.validation import parameter_types

evacuate = {
    'type': 'object',
    'properties': {
        'evacuate': {
            'type': 'object',
            'properties': {
                'host': parameter_types.hostname,
                'onSharedStorage': parameter_types.boolean,
                'adminPass': parameter_types.admin_password,
            },
            'required': ['onSharedStorage'],
            'additionalProperties': False,
        },
    },
    'required': ['evacuate'],
    'additionalProperties': False,
}

# 2.14: onSharedStorage is gone (the compute host finds out).
evacuate_v214 = copy.deepcopy(evacuate)
del evacuate_v214['properties']['evacuate']['properties']['onSharedStorage']
del evacuate_v214['properties']['evacuate']['required']

# 2.29: force (skip the scheduler's checks of the given host).
evacuate_v229 = copy.deepcopy(evacuate_v214)
evacuate_v229['properties']['evacuate']['properties'][
    'force'] = parameter_types.boolean

# 2.68: force is gone again: the schema of 2.14.
evacuate_v268 = copy.deepcopy(evacuate_v214)

# 2.95: the same body; the evacuated server now ends stopped.
evacuate_v295 = copy.deepcopy(evacuate_v268)

# NOTE: before 2.14 the password, when ``[api] enable_instance_password``
# says so (null when the disk is on shared storage and none was given).
evacuate_response = {
    'type': ['object', 'null'],
    'properties': {'adminPass': {'type': ['string', 'null']}},
    'additionalProperties': False,
}

# 2.14: no body.
evacuate_response_v214 = {'type': 'null'}
