"""Schemas of /os-server-groups: create per microversion, the list's query
string, and the response bodies."""

import copy

from nova_lite.api.validation import parameter_types

# NOTE: below 2.64 a group has a list of exactly one policy.
create = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'policies': {
                    'type': 'array',
                    'items': [{
                        'type': 'string',
                        'enum': ['anti-affinity', 'affinity'],
                    }],
                    'uniqueItems': True,
                    'minItems': 1,
                    'maxItems': 1,
                    'additionalItems': False,
                },
            },
            'required': ['name', 'policies'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

# 2.15: the soft policies.
create_v215 = copy.deepcopy(create)
create_v215['properties']['server_group']['properties']['policies'][
    'items'][0]['enum'].extend(['soft-anti-affinity', 'soft-affinity'])

# 2.64: one ``policy`` and its ``rules`` instead of ``policies``.
create_v264 = copy.deepcopy(create_v215)
del create_v264['properties']['server_group']['properties']['policies']
create_v264['properties']['server_group']['required'] = ['name', 'policy']
create_v264['properties']['server_group']['properties'].update({
    'policy': {
        'type': 'string',
        'enum': ['anti-affinity', 'affinity', 'soft-anti-affinity',
                 'soft-affinity'],
    },
    'rules': {
        'type': 'object',
        'properties': {
            'max_server_per_host': parameter_types.positive_integer,
        },
        'additionalProperties': False,
    },
})

index_query = {
    'type': 'object',
    'properties': {
        'all_projects': parameter_types.multi_params({'type': 'string'}),
        'limit': parameter_types.multi_params(
            parameter_types.non_negative_integer),
        'offset': parameter_types.multi_params(
            parameter_types.non_negative_integer),
    },
    'additionalProperties': True,
}

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# ---- responses --------------------------------------------------------------

_uuid = {'type': 'string', 'format': 'uuid'}

_server_group = {
    'type': 'object',
    'properties': {
        'id': _uuid,
        'name': {'type': ['string', 'null']},
        'policies': {
            'type': 'array',
            'items': {'type': 'string', 'enum': [
                'affinity', 'anti-affinity', 'soft-affinity',
                'soft-anti-affinity']},
            'minItems': 1, 'maxItems': 1,
        },
        'members': {'type': 'array', 'items': _uuid},
        'metadata': {'type': 'object', 'properties': {},
                     'additionalProperties': False},
    },
    'required': ['id', 'name', 'policies', 'members', 'metadata'],
    'additionalProperties': False,
}

# 2.13: the owner.
_server_group_v213 = copy.deepcopy(_server_group)
_server_group_v213['properties'].update({
    'project_id': {'type': ['string', 'null']},
    'user_id': {'type': ['string', 'null']},
})
_server_group_v213['required'].extend(['project_id', 'user_id'])

# 2.64: policy and rules; neither policies nor metadata.
_server_group_v264 = copy.deepcopy(_server_group_v213)
del _server_group_v264['properties']['policies']
del _server_group_v264['properties']['metadata']
_server_group_v264['properties'].update({
    'policy': {'type': 'string', 'enum': [
        'affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity']},
    'rules': {
        'type': 'object',
        'properties': {
            'max_server_per_host': {'type': 'integer', 'minimum': 1},
        },
        'additionalProperties': False,
    },
})
_server_group_v264['required'] = [
    'id', 'name', 'policy', 'rules', 'members', 'project_id', 'user_id']


def _one(group):
    return {
        'type': 'object',
        'properties': {'server_group': group},
        'required': ['server_group'],
        'additionalProperties': False,
    }


def _many(group):
    return {
        'type': 'object',
        'properties': {'server_groups': {'type': 'array', 'items': group}},
        'required': ['server_groups'],
        'additionalProperties': False,
    }


show_response = _one(_server_group)
show_response_v213 = _one(_server_group_v213)
show_response_v264 = _one(_server_group_v264)
create_response = show_response
create_response_v213 = show_response_v213
create_response_v264 = show_response_v264
index_response = _many(_server_group)
index_response_v213 = _many(_server_group_v213)
index_response_v264 = _many(_server_group_v264)
delete_response = {'type': 'null'}
