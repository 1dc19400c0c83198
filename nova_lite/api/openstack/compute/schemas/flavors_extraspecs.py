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
