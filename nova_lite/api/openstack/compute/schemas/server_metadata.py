"""Schemas of server metadata: create (merge), update_all (replace),
update (one item), and the (parameterless) reads."""

import copy

from nova_lite.api.validation import parameter_types

create = {
    'type': 'object',
    'properties': {
        'metadata': parameter_types.metadata,
    },
    'required': ['metadata'],
    'additionalProperties': False,
}

metadata_update = copy.deepcopy(parameter_types.metadata)
metadata_update.update({
    'minProperties': 1,
    'maxProperties': 1,
})

update = {
    'type': 'object',
    'properties': {
        'meta': metadata_update,
    },
    'required': ['meta'],
    'additionalProperties': False,
}

update_all = create

# Reads take no parameters; unknown ones are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

show_query = index_query

# ---- responses --------------------------------------------------------------

# NOTE: what the requests may store is what the answers show.
_metadata = parameter_types.metadata
_one_item = dict(_metadata, minProperties=1, maxProperties=1)

index_response = {
    'type': 'object',
    'properties': {'metadata': _metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

# The merged or replaced metadata: all the server's items.
create_response = index_response
update_all_response = index_response

show_response = {
    'type': 'object',
    'properties': {'meta': _one_item},
    'required': ['meta'],
    'additionalProperties': False,
}

update_response = show_response

# NOTE: 204 with no body.
delete_response = {'type': 'null'}
