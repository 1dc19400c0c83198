"""Schemas of /os-services: the list, the actions below 2.53 (enable,
disable, disable-log-reason, force-down from 2.11, each with host and
binary) and the update of one service by uuid from 2.53."""

import copy

from nova_lite.api.validation import parameter_types

index_query = {
    'type': 'object',
    'properties': {
        'host': parameter_types.multi_params({'type': 'string'}),
        'binary': parameter_types.multi_params({'type': 'string'}),
    },
    # NOTE: unknown parameters are stripped, not refused, until 2.75.
    'additionalProperties': True,
}

index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

_reason = {'type': 'string', 'minLength': 1, 'maxLength': 255}

# PUT /os-services/{action} below 2.53.
service_update = {
    'type': 'object',
    'properties': {
        'host': parameter_types.hostname,
        'binary': parameter_types.hostname,
        'disabled_reason': _reason,
    },
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

service_update_v211 = copy.deepcopy(service_update)
service_update_v211['properties']['forced_down'] = parameter_types.boolean

# PUT /os-services/{service_id} from 2.53.
service_update_v253 = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': _reason,
        'forced_down': parameter_types.boolean,
    },
    'minProperties': 1,
    'additionalProperties': False,
}

# ---- responses -------------------------------------------------------------

_service = {
    'type': 'object',
    'properties': {
        'id': {'type': 'integer'},
        'binary': {'type': 'string'},
        'host': {'type': 'string'},
        'zone': {'type': 'string'},
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'state': {'type': 'string', 'enum': ['up', 'down']},
        'updated_at': {'type': ['string', 'null'], 'format': 'date-time'},
        'disabled_reason': {'type': ['string', 'null']},
    },
    'required': ['id', 'binary', 'host', 'zone', 'status', 'state',
                 'updated_at', 'disabled_reason'],
    'additionalProperties': False,
}

_service_v211 = copy.deepcopy(_service)
_service_v211['properties']['forced_down'] = {'type': 'boolean'}
_service_v211['required'].append('forced_down')

_service_v253 = copy.deepcopy(_service_v211)
_service_v253['properties']['id'] = {'type': 'string', 'format': 'uuid'}


def _services(service):
    return {
        'type': 'object',
        'properties': {'services': {'type': 'array', 'items': service}},
        'required': ['services'],
        'additionalProperties': False,
    }


index_response = _services(_service)
index_response_v211 = _services(_service_v211)
index_response_v253 = _services(_service_v253)

# Below 2.53 an action answers with the service's host and binary and
# what the action changed.
update_response = {
    'type': 'object',
    'properties': {
        'service': {
            'type': 'object',
            'properties': {
                'binary': {'type': 'string'},
                'host': {'type': 'string'},
                'status': {'type': 'string',
                           'enum': ['enabled', 'disabled']},
                'disabled_reason': {'type': ['string', 'null']},
                'forced_down': {'type': 'boolean'},
            },
            'required': ['binary', 'host'],
            'additionalProperties': False,
        },
    },
    'required': ['service'],
    'additionalProperties': False,
}

update_response_v253 = {
    'type': 'object',
    'properties': {'service': _service_v253},
    'required': ['service'],
    'additionalProperties': False,
}

delete_response = {'type': 'null'}
