"""Schemas of the restore and forceDelete server actions: a null body."""

restore = {
    'type': 'object',
    'properties': {'restore': {'type': 'null'}},
    'required': ['restore'],
    'additionalProperties': False,
}

force_delete = {
    'type': 'object',
    'properties': {'forceDelete': {'type': 'null'}},
    'required': ['forceDelete'],
    'additionalProperties': False,
}

restore_response = {'type': 'null'}
force_delete_response = {'type': 'null'}
