"""Schemas of the restore and forceDelete server actions: any body.

Nova has no schema for either: whatever value the key has (null, {}) is
accepted and ignored.
"""

restore = {
    'type': 'object',
    'properties': {'restore': {}},
    'required': ['restore'],
    'additionalProperties': False,
}

force_delete = {
    'type': 'object',
    'properties': {'forceDelete': {}},
    'required': ['forceDelete'],
    'additionalProperties': False,
}

restore_response = {'type': 'null'}
force_delete_response = {'type': 'null'}
