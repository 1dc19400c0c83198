"""Schemas of /os-keypairs: create/import and the query strings."""

import copy

from nova_lite.api.validation import parameter_types

create = {
    'type': 'object',
    'properties': {
        'keypair': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'public_key': {'type': 'string'},
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['keypair'],
    'additionalProperties': False,
}

# 2.2: a key type.
create_v22 = copy.deepcopy(create)
create_v22['properties']['keypair']['properties']['type'] = {
    'type': 'string', 'enum': ['ssh', 'x509'],
}

# 2.10: admins may create key pairs for another user.
create_v210 = copy.deepcopy(create_v22)
create_v210['properties']['keypair']['properties']['user_id'] = {
    'type': 'string',
}

index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# 2.10: ?user_id= (admins only).
index_query_v210 = {
    'type': 'object',
    'properties': {
        'user_id': parameter_types.multi_params({'type': 'string'}),
    },
    'additionalProperties': True,
}

# 2.35: pagination.
index_query_v235 = copy.deepcopy(index_query_v210)
index_query_v235['properties'].update(parameter_types.pagination_parameters)

show_query = index_query
show_query_v210 = index_query_v210
delete_query = index_query
delete_query_v210 = index_query_v210

# 2.75: unknown query parameters are refused.
index_query_v275 = copy.deepcopy(index_query_v235)
index_query_v275['additionalProperties'] = False
show_query_v275 = copy.deepcopy(show_query_v210)
show_query_v275['additionalProperties'] = False
delete_query_v275 = show_query_v275

# 2.92: import only (public_key required), type defaults to ssh, and the
# name may hold "@" and ".".
create_v292 = copy.deepcopy(create_v210)
create_v292['properties']['keypair']['properties']['name'] = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9 @._-]+$',
}
create_v292['properties']['keypair']['required'] = ['name', 'public_key']

# ---- responses --------------------------------------------------------------

_link = {
    'type': 'object',
    'properties': {
        'rel': {'type': 'string'},
        'href': {'type': 'string', 'format': 'uri'},
    },
    'required': ['rel', 'href'],
    'additionalProperties': False,
}


def _keypair(with_type, extra=None, required_extra=()):
    properties = {
        'name': {'type': 'string'},
        'public_key': {'type': 'string'},
        'fingerprint': {'type': 'string'},
    }
    required = ['name', 'public_key', 'fingerprint']
    if with_type:
        properties['type'] = {'type': 'string', 'enum': ['ssh', 'x509']}
        required.append('type')
    properties.update(extra or {})
    return {
        'type': 'object',
        'properties': properties,
        'required': required + list(required_extra),
        'additionalProperties': False,
    }


def _one(keypair):
    return {
        'type': 'object',
        'properties': {'keypair': keypair},
        'required': ['keypair'],
        'additionalProperties': False,
    }


def _list(with_type, links=False):
    body = {
        'type': 'object',
        'properties': {
            'keypairs': {
                'type': 'array',
                'items': _one(_keypair(with_type)),
            },
        },
        'required': ['keypairs'],
        'additionalProperties': False,
    }
    if links:
        body['properties']['keypairs_links'] = {'type': 'array',
                                                'items': _link}
    return body


_USER_ID = {'user_id': {'type': 'string'}}
# A generated key pair comes with its private key, once (until 2.92).
_PRIVATE_KEY = {'private_key': {'type': 'string'}}
_SHOWN = dict(_USER_ID, **{
    'created_at': {'type': 'string'},
    'updated_at': {'type': ['string', 'null']},
    'deleted_at': {'type': ['string', 'null']},
    'deleted': {'type': 'boolean'},
    'id': {'type': 'integer'},
})

create_response = _one(_keypair(False, dict(_USER_ID, **_PRIVATE_KEY),
                                ['user_id']))
create_response_v22 = _one(_keypair(True, dict(_USER_ID, **_PRIVATE_KEY),
                                    ['user_id']))
create_response_v292 = _one(_keypair(True, _USER_ID, ['user_id']))
show_response = _one(_keypair(False, _SHOWN, list(_SHOWN)))
show_response_v22 = _one(_keypair(True, _SHOWN, list(_SHOWN)))
index_response = _list(False)
index_response_v22 = _list(True)
index_response_v235 = _list(True, links=True)
delete_response = {'type': 'null'}
