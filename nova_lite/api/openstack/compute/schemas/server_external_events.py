"""Schemas of POST /os-server-external-events: a schema per range of
microversions, each accepting the event names Nova accepts at it."""

import copy

_BASE_NAMES = ['network-changed', 'network-vif-plugged',
               'network-vif-unplugged', 'network-vif-deleted']

create = {
    'type': 'object',
    'properties': {
        'events': {
            'type': 'array', 'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {
                    'server_uuid': {'type': 'string', 'format': 'uuid'},
                    'name': {'type': 'string', 'enum': _BASE_NAMES},
                    'status': {
                        'type': 'string',
                        'enum': ['failed', 'completed', 'in-progress'],
                    },
                    'tag': {'type': 'string', 'maxLength': 255},
                },
                'required': ['server_uuid', 'name'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['events'],
    'additionalProperties': False,
}


def _with_names(schema, *names):
    schema = copy.deepcopy(schema)
    item = schema['properties']['events']['items']
    item['properties']['name']['enum'].extend(names)
    return schema


create_v251 = _with_names(create, 'volume-extended')
create_v276 = _with_names(create_v251, 'power-update')
create_v282 = _with_names(create_v276, 'accelerator-request-bound')
create_v293 = _with_names(create_v282, 'volume-reimaged')

_event_response = copy.deepcopy(create_v293['properties']['events']['items'])
_event_response['properties']['code'] = {'type': 'integer',
                                         'enum': [200, 400, 404, 422]}
_event_response['required'] = ['server_uuid', 'name', 'status', 'code']

create_response = {
    'type': 'object',
    'properties': {
        'events': {'type': 'array', 'minItems': 1,
                   'items': _event_response},
    },
    'required': ['events'],
    'additionalProperties': False,
}
