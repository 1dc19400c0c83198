"""Schemas of os-instance-actions: the query strings and the answers."""

# NOTE: before 2.58 the list and show take no query parameters; unknown
# ones are ignored, as Nova does. 2.58 adds limit, marker and
# changes-since (a schema index_query_v258 slots in beside this one).
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
