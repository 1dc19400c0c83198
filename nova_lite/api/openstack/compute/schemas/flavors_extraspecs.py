"""Schemas of flavor extra specs: create (several), update (one), list."""

import copy

from nova_lite.api.validation import parameter_types

# NOTE: extra spec values may be given as numbers; they are stored as text.
metadata = copy.deepcopy(parameter_types.metadata)
metadata['patternProperties']['^[a-zA-Z0-9-_:. ]{1,255}$']['type'] = [
    'string', 'number']

create = {
    'type': 'object',
    'properties': {
        'extra_specs': metadata,
    },
    'required': ['extra_specs'],
    'additionalProperties': False,
}

update = copy.deepcopy(metadata)
update.update({
    'minProperties': 1,
    'maxProperties': 1,
})

# Listing takes no parameters; unknown ones are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# Showing one extra spec, like the rest, takes no parameters.
show_query = index_query

# ---- responses --------------------------------------------------------------

# NOTE: stored extra specs are text; create and update echo the request
# body, as Nova does, so a number sent comes back a number.
_stored = copy.deepcopy(parameter_types.metadata)

index_response = {
    'type': 'object',
    'properties': {'extra_specs': _stored},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

create_response = {
    'type': 'object',
    'properties': {'extra_specs': metadata},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

show_response = dict(_stored, minProperties=1, maxProperties=1)

update_response = update

# NOTE: 200 with no body.
delete_response = {'type': 'null'}
