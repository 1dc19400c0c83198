"""Schemas of /os-hosts (below microversion 2.43): the update, the
queries and the answers."""

from nova_lite.api.validation import parameter_types

_enable_disable = {
    'type': 'string',
    'enum': ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'],
}

# NOTE: one of the two at least; nothing else.
update = {
    'type': 'object',
    'properties': {
        'status': _enable_disable,
        'maintenance_mode': _enable_disable,
    },
    'anyOf': [{'required': ['status']}, {'required': ['maintenance_mode']}],
    'additionalProperties': False,
}

# NOTE: from 2.43 the body is not read: os-hosts is gone (404).
update_gone = {'type': 'object', 'additionalProperties': True}

index_query = {
    'type': 'object',
    'properties': {
        'zone': parameter_types.common_query_param,
    },
    'additionalProperties': True,
}

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}
startup_query = show_query
shutdown_query = show_query
reboot_query = show_query

# ---- responses --------------------------------------------------------------

index_response = {
    'type': 'object',
    'properties': {
        'hosts': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'host_name': {'type': 'string'},
                    'service': {'type': 'string'},
                    'zone': {'type': 'string'},
                },
                'required': ['host_name', 'service', 'zone'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['hosts'],
    'additionalProperties': False,
}

show_response = {
    'type': 'object',
    'properties': {
        'host': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'resource': {
                        'type': 'object',
                        'properties': {
                            'host': {'type': 'string'},
                            'project': {'type': 'string'},
                            'cpu': {'type': 'integer'},
                            'memory_mb': {'type': 'integer'},
                            'disk_gb': {'type': 'integer'},
                        },
                        'required': ['host', 'project', 'cpu', 'memory_mb',
                                     'disk_gb'],
                        'additionalProperties': False,
                    },
                },
                'required': ['resource'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['host'],
    'additionalProperties': False,
}

update_response = {
    'type': 'object',
    'properties': {
        'host': {'type': 'string'},
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'maintenance_mode': {'type': 'string',
                             'enum': ['on_maintenance', 'off_maintenance']},
    },
    'required': ['host'],
    'additionalProperties': False,
}

# NOTE: what Nova answers when the driver can do it; nova-lite's drivers
# cannot, so the actions answer 501.
power_action_response = {
    'type': 'object',
    'properties': {
        'host': {'type': 'string'},
        'power_action': {'type': 'string',
                         'enum': ['startup', 'shutdown', 'reboot']},
    },
    'required': ['host', 'power_action'],
    'additionalProperties': False,
}

gone_response = {'type': 'null'}
