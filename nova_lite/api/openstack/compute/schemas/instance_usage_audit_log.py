"""Schemas of /os-instance_usage_audit_log: query strings and answers."""

import copy

index_query = {
    'type': 'object',
    'properties': {},
    # NOTE: unknown parameters are stripped, not refused, as in Nova.
    'additionalProperties': True,
}

show_query = index_query

_audit_log = {
    'type': 'object',
    'properties': {
        'hosts_not_run': {'type': 'array', 'items': {'type': 'string'}},
        'log': {
            'type': 'object',
            # NOTE: compute host names are the keys.
            'additionalProperties': {
                'type': 'object',
                'properties': {
                    'errors': {'type': 'integer'},
                    'instances': {'type': 'integer'},
                    'message': {'type': 'string'},
                    'state': {'type': 'string',
                              'enum': ['RUNNING', 'DONE']},
                },
                'required': ['errors', 'instances', 'message', 'state'],
                'additionalProperties': False,
            },
        },
        'num_hosts': {'type': 'integer'},
        'num_hosts_done': {'type': 'integer'},
        'num_hosts_not_run': {'type': 'integer'},
        'num_hosts_running': {'type': 'integer'},
        'overall_status': {'type': 'string'},
        'period_beginning': {'type': 'string'},
        'period_ending': {'type': 'string'},
        'total_errors': {'type': 'integer'},
        'total_instances': {'type': 'integer'},
    },
    'required': ['hosts_not_run', 'log', 'num_hosts', 'num_hosts_done',
                 'num_hosts_not_run', 'num_hosts_running', 'overall_status',
                 'period_beginning', 'period_ending', 'total_errors',
                 'total_instances'],
    'additionalProperties': False,
}

index_response = {
    'type': 'object',
    'properties': {'instance_usage_audit_logs': copy.deepcopy(_audit_log)},
    'required': ['instance_usage_audit_logs'],
    'additionalProperties': False,
}

show_response = {
    'type': 'object',
    'properties': {'instance_usage_audit_log': copy.deepcopy(_audit_log)},
    'required': ['instance_usage_audit_log'],
    'additionalProperties': False,
}
