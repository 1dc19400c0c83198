"""Schemas of /images/{image_id}/metadata (2.1-2.35)."""

import copy

from nova_lite.api.openstack.compute.schemas import images
from nova_lite.api.validation import parameter_types

create = {
    'type': 'object',
    'properties': {
        'metadata': parameter_types.metadata,
    },
    'required': ['metadata'],
    'additionalProperties': False,
}

update_all = create

_single_metadata = copy.deepcopy(parameter_types.metadata)
_single_metadata.update({'minProperties': 1, 'maxProperties': 1})

update = {
    'type': 'object',
    'properties': {
        'meta': _single_metadata,
    },
    'required': ['meta'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

show_query = index_query

gone_body = images.gone_body
gone_response = images.gone_response

metadata_response = {
    'type': 'object',
    'properties': {'metadata': images.image_metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

meta_response = {
    'type': 'object',
    'properties': {
        'meta': {
            'type': 'object',
            'additionalProperties': {'type': ['string', 'null']},
            'minProperties': 1,
            'maxProperties': 1,
        },
    },
    'required': ['meta'],
    'additionalProperties': False,
}

delete_response = {'type': 'null'}
