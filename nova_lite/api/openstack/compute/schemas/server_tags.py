"""Schemas of server tags (2.26): replace all, add one (no body)."""

from nova_lite.api.validation import parameter_types
from nova_lite.objects import tag as tag_obj

update_all = {
    'type': 'object',
    'properties': {
        'tags': {
            'type': 'array',
            'items': parameter_types.tag,
            'maxItems': tag_obj.MAX_TAG_COUNT,
        },
    },
    'required': ['tags'],
    'additionalProperties': False,
}

# NOTE: PUT /servers/{id}/tags/{tag} names the tag in the URL only.
update = {
    'type': 'null',
}

# Reads take no parameters; unknown ones are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

show_query = index_query

# ---- responses --------------------------------------------------------------

index_response = {
    'type': 'object',
    'properties': {
        'tags': {'type': 'array', 'items': parameter_types.tag},
    },
    'required': ['tags'],
    'additionalProperties': False,
}

update_all_response = index_response

# NOTE: the rest answer with no body: showing (204), adding one tag (201
# or 204), removing one or all (204).
show_response = {'type': 'null'}
update_response = show_response
delete_response = show_response
delete_all_response = show_response
