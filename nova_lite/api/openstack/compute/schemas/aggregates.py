"""Schemas of /os-aggregates: create, update and the three actions; the
answers show ``uuid`` from 2.41."""

import copy

from nova_lite.api.validation import parameter_types

# A zone name: printable, no colon (``zone:host`` is how a server asks
# for a host), no leading or trailing whitespace.
_az = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': r'^[^\s:](?:[^:]*[^\s:])?$',
}

create = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'availability_zone': {'oneOf': [_az, {'type': 'null'}]},
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'availability_zone': {'oneOf': [_az, {'type': 'null'}]},
            },
            'minProperties': 1,
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}


def _host_action(action):
    return {
        'type': 'object',
        'properties': {
            action: {
                'type': 'object',
                'properties': {'host': parameter_types.hostname},
                'required': ['host'],
                'additionalProperties': False,
            },
        },
        'required': [action],
        'additionalProperties': False,
    }


add_host = _host_action('add_host')
remove_host = _host_action('remove_host')

set_metadata = {
    'type': 'object',
    'properties': {
        'set_metadata': {
            'type': 'object',
            'properties': {
                'metadata': {
                    'type': 'object',
                    'patternProperties': {
                        # A null value removes the key.
                        '^[a-zA-Z0-9-_:. ]{1,255}$': {
                            'type': ['string', 'null'], 'maxLength': 255,
                        },
                    },
                    'additionalProperties': False,
                },
            },
            'required': ['metadata'],
            'additionalProperties': False,
        },
    },
    'required': ['set_metadata'],
    'additionalProperties': False,
}

# Unknown parameters are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}
show_query = index_query

# ---- responses -------------------------------------------------------------

_aggregate = {
    'type': 'object',
    'properties': {
        'availability_zone': {'type': ['string', 'null']},
        'created_at': {'type': 'string', 'format': 'date-time'},
        'deleted': {'type': 'boolean'},
        'deleted_at': {'type': ['string', 'null'], 'format': 'date-time'},
        'hosts': {'type': 'array', 'items': {'type': 'string'}},
        'id': {'type': 'integer'},
        'metadata': {
            'type': 'object',
            'additionalProperties': {'type': 'string'},
        },
        'name': {'type': 'string'},
        'updated_at': {'type': ['string', 'null'], 'format': 'date-time'},
    },
    'required': ['availability_zone', 'created_at', 'deleted', 'deleted_at',
                 'hosts', 'id', 'metadata', 'name', 'updated_at'],
    'additionalProperties': False,
}

_aggregate_v241 = copy.deepcopy(_aggregate)
_aggregate_v241['properties']['uuid'] = {'type': 'string',
                                         'format': 'uuid'}
_aggregate_v241['required'].append('uuid')


def _without_hosts_and_metadata(aggregate):
    """The create answer: Nova leaves hosts and metadata out of it."""
    aggregate = copy.deepcopy(aggregate)
    for key in ('hosts', 'metadata'):
        del aggregate['properties'][key]
        aggregate['required'].remove(key)
    return aggregate


def _one(aggregate):
    return {
        'type': 'object',
        'properties': {'aggregate': aggregate},
        'required': ['aggregate'],
        'additionalProperties': False,
    }


index_response = {
    'type': 'object',
    'properties': {
        'aggregates': {'type': 'array', 'items': _aggregate},
    },
    'required': ['aggregates'],
    'additionalProperties': False,
}
index_response_v241 = copy.deepcopy(index_response)
index_response_v241['properties']['aggregates']['items'] = _aggregate_v241

create_response = _one(_without_hosts_and_metadata(_aggregate))
create_response_v241 = _one(_without_hosts_and_metadata(_aggregate_v241))

show_response = _one(_aggregate)
show_response_v241 = _one(_aggregate_v241)
update_response = show_response
update_response_v241 = show_response_v241
add_host_response = show_response
add_host_response_v241 = show_response_v241
remove_host_response = show_response
remove_host_response_v241 = show_response_v241
set_metadata_response = show_response
set_metadata_response_v241 = show_response_v241

delete_response = {'type': 'null'}
