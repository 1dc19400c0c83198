"""Schemas of the shelve, shelveOffload and unshelve server actions."""

from nova_lite.api.validation import parameter_types

# NOTE: Nova has no schema for shelve, shelveOffload or unshelve before
# 2.77: any value under the key ({} from tempest, null from clients) is
# accepted and ignored.
shelve = {
    'type': 'object',
    'properties': {'shelve': {}},
    'required': ['shelve'],
    'additionalProperties': False,
}

shelve_offload = {
    'type': 'object',
    'properties': {'shelveOffload': {}},
    'required': ['shelveOffload'],
    'additionalProperties': False,
}

unshelve = {
    'type': 'object',
    'properties': {'unshelve': {}},
    'required': ['unshelve'],
    'additionalProperties': False,
}

# NOTE: {"unshelve": null} or {"unshelve": {"availability_zone": ...}};
# an empty object is refused, as in Nova.
unshelve_v277 = {
    'type': 'object',
    'properties': {
        'unshelve': {
            'type': ['object', 'null'],
            'properties': {
                'availability_zone': parameter_types.name,
            },
            'required': ['availability_zone'],
            'additionalProperties': False,
        },
    },
    'required': ['unshelve'],
    'additionalProperties': False,
}

# NOTE: from 2.91 the zone may be null (unpin the server) and an admin
# may name the host.
unshelve_v291 = {
    'type': 'object',
    'properties': {
        'unshelve': {
            'oneOf': [
                {
                    'type': 'object',
                    'properties': {
                        'availability_zone': {
                            'oneOf': [{'type': 'null'},
                                      parameter_types.name],
                        },
                        'host': parameter_types.hostname,
                    },
                    'additionalProperties': False,
                },
                {'type': 'null'},
            ],
        },
    },
    'required': ['unshelve'],
    'additionalProperties': False,
}

shelve_response = {'type': 'null'}
shelve_offload_response = {'type': 'null'}
unshelve_response = {'type': 'null'}
