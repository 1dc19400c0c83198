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
