"""Schemas of os-migrations: the query strings and the answers, per
microversion (a server's own migrations: server_migrations.py)."""

import copy

from nova_lite.api.validation import parameter_types

_plain = parameter_types.common_query_param
_date = parameter_types.single_param({'type': 'string',
                                      'format': 'date-time'})

# NOTE: before 2.59 unknown parameters are ignored, as Nova does.
index_query = {
    'type': 'object',
    'properties': {
        'hidden': _plain,
        'host': _plain,
        'instance_uuid': _plain,
        'source_compute': _plain,
        'status': _plain,
        'migration_type': _plain,
    },
    'additionalProperties': True,
}

# 2.59: paging and changes-since; unknown parameters are refused.
index_query_v259 = copy.deepcopy(index_query)
index_query_v259['properties'].update({
    'limit': parameter_types.single_param(
        parameter_types.non_negative_integer),
    'marker': parameter_types.single_param({'type': 'string'}),
    'changes-since': _date,
})
index_query_v259['additionalProperties'] = False

# 2.66: changes-before.
index_query_v266 = copy.deepcopy(index_query_v259)
index_query_v266['properties']['changes-before'] = _date

# 2.80: user_id and project_id.
index_query_v280 = copy.deepcopy(index_query_v266)
index_query_v280['properties'].update({
    'user_id': parameter_types.single_param({'type': 'string'}),
    'project_id': parameter_types.single_param({'type': 'string'}),
})

_nullable_string = {'type': ['string', 'null']}
_nullable_integer = {'type': ['integer', 'null']}

_link = {
    'type': 'object',
    'properties': {'rel': {'type': 'string'},
                   'href': {'type': 'string', 'format': 'uri'}},
    'required': ['rel', 'href'],
    'additionalProperties': False,
}

_migration = {
    'type': 'object',
    'properties': {
        'created_at': {'type': 'string'},
        'dest_compute': _nullable_string,
        'dest_host': _nullable_string,
        'dest_node': _nullable_string,
        'id': {'type': 'integer'},
        'instance_uuid': {'type': 'string', 'format': 'uuid'},
        'new_instance_type_id': _nullable_integer,
        'old_instance_type_id': _nullable_integer,
        'source_compute': _nullable_string,
        'source_node': _nullable_string,
        'status': {'type': 'string'},
        'updated_at': _nullable_string,
    },
    'required': ['created_at', 'dest_compute', 'dest_host', 'dest_node',
                 'id', 'instance_uuid', 'new_instance_type_id',
                 'old_instance_type_id', 'source_compute', 'source_node',
                 'status', 'updated_at'],
    'additionalProperties': False,
}

# 2.23: migration_type, and links for an in-progress live migration.
_migration_v223 = copy.deepcopy(_migration)
_migration_v223['properties'].update({
    'migration_type': {'type': 'string',
                       'enum': ['live-migration', 'migration', 'resize',
                                'evacuation']},
    'links': {'type': 'array', 'items': _link},
})
_migration_v223['required'].append('migration_type')

# 2.59: uuid.
_migration_v259 = copy.deepcopy(_migration_v223)
_migration_v259['properties']['uuid'] = {'type': 'string', 'format': 'uuid'}
_migration_v259['required'].append('uuid')

# 2.80: user_id and project_id.
_migration_v280 = copy.deepcopy(_migration_v259)
_migration_v280['properties'].update({'user_id': _nullable_string,
                                      'project_id': _nullable_string})
_migration_v280['required'].extend(['user_id', 'project_id'])


def _list(item, links=False):
    body = {
        'type': 'object',
        'properties': {'migrations': {'type': 'array', 'items': item}},
        'required': ['migrations'],
        'additionalProperties': False,
    }
    if links:
        body['properties']['migrations_links'] = {'type': 'array',
                                                  'items': _link}
    return body


index_response = _list(_migration)
index_response_v223 = _list(_migration_v223)
index_response_v259 = _list(_migration_v259, links=True)
index_response_v280 = _list(_migration_v280, links=True)
