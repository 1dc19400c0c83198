"""Schemas of os-instance-actions: the query strings and the answers."""

import copy

from nova_lite.api.validation import parameter_types

# NOTE: before 2.58 the list and show take no query parameters; unknown
# ones are ignored, as Nova does.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

_nullable_string = {'type': ['string', 'null']}

_action = {
    'type': 'object',
    'properties': {
        'action': {'type': 'string'},
        'instance_uuid': {'type': 'string', 'format': 'uuid'},
        'message': _nullable_string,
        'project_id': _nullable_string,
        'request_id': {'type': 'string'},
        'start_time': {'type': 'string'},
        'user_id': _nullable_string,
    },
    'required': ['action', 'instance_uuid', 'message', 'project_id',
                 'request_id', 'start_time', 'user_id'],
    'additionalProperties': False,
}

_event = {
    'type': 'object',
    'properties': {
        'event': {'type': 'string'},
        'finish_time': _nullable_string,
        'result': _nullable_string,
        'start_time': _nullable_string,
        'traceback': _nullable_string,
    },
    'required': ['event', 'finish_time', 'result', 'start_time'],
    'additionalProperties': False,
}

index_response = {
    'type': 'object',
    'properties': {
        'instanceActions': {'type': 'array', 'items': _action},
    },
    'required': ['instanceActions'],
    'additionalProperties': False,
}

_action_with_events = {
    'type': 'object',
    'properties': dict(_action['properties'], events={
        'type': 'array', 'items': _event}),
    'required': _action['required'],
    'additionalProperties': False,
}

show_response = {
    'type': 'object',
    'properties': {'instanceAction': _action_with_events},
    'required': ['instanceAction'],
    'additionalProperties': False,
}

# 2.58: paging and changes-since; unknown parameters are refused.
index_query_v258 = {
    'type': 'object',
    'properties': {
        'limit': parameter_types.single_param(
            parameter_types.non_negative_integer),
        'marker': parameter_types.single_param({'type': 'string'}),
        'changes-since': parameter_types.single_param(
            {'type': 'string', 'format': 'date-time'}),
    },
    'additionalProperties': False,
}

# 2.66: changes-before.
index_query_v266 = copy.deepcopy(index_query_v258)
index_query_v266['properties']['changes-before'] = (
    parameter_types.single_param({'type': 'string', 'format': 'date-time'}))

# 2.58: actions show updated_at; the list has a next link when full.
_action_v258 = copy.deepcopy(_action)
_action_v258['properties']['updated_at'] = _nullable_string
_action_v258['required'].append('updated_at')

index_response_v258 = copy.deepcopy(index_response)
index_response_v258['properties']['instanceActions']['items'] = _action_v258
index_response_v258['properties']['links'] = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {'rel': {'type': 'string'},
                       'href': {'type': 'string', 'format': 'uri'}},
        'required': ['rel', 'href'],
        'additionalProperties': False,
    },
}


def _show(action, event):
    action = copy.deepcopy(action)
    action['properties']['events'] = {'type': 'array', 'items': event}
    return {
        'type': 'object',
        'properties': {'instanceAction': action},
        'required': ['instanceAction'],
        'additionalProperties': False,
    }


# 2.62: events show hostId, and host where the events policy allows.
_event_v262 = copy.deepcopy(_event)
_event_v262['properties'].update({'hostId': {'type': 'string'},
                                  'host': _nullable_string})
_event_v262['required'].append('hostId')

# 2.84: events show details.
_event_v284 = copy.deepcopy(_event_v262)
_event_v284['properties']['details'] = _nullable_string
_event_v284['required'].append('details')

show_response_v258 = _show(_action_v258, _event)
show_response_v262 = _show(_action_v258, _event_v262)
show_response_v284 = _show(_action_v258, _event_v284)
