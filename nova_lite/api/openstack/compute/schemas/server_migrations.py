"""Schemas of /servers/{server_id}/migrations: a server's in-progress live
migrations (2.23), forcing one to complete (2.22) and aborting one
(2.24)."""

import copy

# NOTE: unknown query parameters are ignored, as Nova does (until 2.102,
# which nova-lite does not serve).
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}
show_query = copy.deepcopy(index_query)

force_complete = {
    'type': 'object',
    'properties': {'force_complete': {'type': 'null'}},
    'required': ['force_complete'],
    'additionalProperties': False,
}

force_complete_response = {'type': 'null'}
delete_response = {'type': 'null'}

_nullable_string = {'type': ['string', 'null']}
# NOTE: Nova's schema says minimum 1; a finished copy has 0 bytes left.
_bytes = {'type': ['integer', 'null'], 'minimum': 0}

_migration = {
    'type': 'object',
    'properties': {
        'created_at': {'type': 'string'},
        'dest_compute': _nullable_string,
        'dest_host': _nullable_string,
        'dest_node': _nullable_string,
        'disk_processed_bytes': _bytes,
        'disk_remaining_bytes': _bytes,
        'disk_total_bytes': _bytes,
        'id': {'type': 'integer'},
        'memory_processed_bytes': _bytes,
        'memory_remaining_bytes': _bytes,
        'memory_total_bytes': _bytes,
        'server_uuid': {'type': 'string', 'format': 'uuid'},
        'source_compute': _nullable_string,
        'source_node': _nullable_string,
        'status': {'type': 'string'},
        # NOTE: null until the migration is first updated.
        'updated_at': _nullable_string,
    },
    'required': ['created_at', 'dest_compute', 'dest_host', 'dest_node',
                 'disk_processed_bytes', 'disk_remaining_bytes',
                 'disk_total_bytes', 'id', 'memory_processed_bytes',
                 'memory_remaining_bytes', 'memory_total_bytes',
                 'server_uuid', 'source_compute', 'source_node', 'status',
                 'updated_at'],
    'additionalProperties': False,
}

# 2.59: uuid.
_migration_v259 = copy.deepcopy(_migration)
_migration_v259['properties']['uuid'] = {'type': 'string', 'format': 'uuid'}
_migration_v259['required'].append('uuid')

# 2.80: user_id and project_id.
_migration_v280 = copy.deepcopy(_migration_v259)
_migration_v280['properties'].update({'user_id': _nullable_string,
                                      'project_id': _nullable_string})
_migration_v280['required'].extend(['user_id', 'project_id'])


def _list(item):
    return {
        'type': 'object',
        'properties': {'migrations': {'type': 'array', 'items': item}},
        'required': ['migrations'],
        'additionalProperties': False,
    }


def _one(item):
    return {
        'type': 'object',
        'properties': {'migration': item},
        'required': ['migration'],
        'additionalProperties': False,
    }


index_response = _list(_migration)
index_response_v259 = _list(_migration_v259)
index_response_v280 = _list(_migration_v280)

show_response = _one(_migration)
show_response_v259 = _one(_migration_v259)
show_response_v280 = _one(_migration_v280)
