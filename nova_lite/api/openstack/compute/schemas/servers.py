"""Schemas of /servers: create, update and the list query strings.

Each microversion that changes a body gets a copy of the previous schema
with the change, named after the version (``create_v219``...).
"""

import copy

from nova_lite.api.validation import parameter_types

legacy_block_device_mapping = {
    'type': 'object',
    'properties': {
        'virtual_name': {'type': 'string', 'maxLength': 255},
        'volume_id': parameter_types.volume_id,
        'snapshot_id': parameter_types.image_id,
        'volume_size': parameter_types.volume_size,
        # Not empty, no spaces.
        'device_name': {
            'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': '^[a-zA-Z0-9._-r/]*$',
        },
        'delete_on_termination': parameter_types.boolean,
        'no_device': {},
        'connection_info': {'type': 'string', 'maxLength': 16777215},
    },
    'additionalProperties': False,
}

block_device_mapping_v2 = copy.deepcopy(legacy_block_device_mapping)
block_device_mapping_v2['properties'].update({
    'source_type': {
        'type': 'string',
        'enum': ['volume', 'image', 'snapshot', 'blank'],
    },
    'uuid': {
        'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': '^[a-zA-Z0-9._-]*$',
    },
    'image_id': parameter_types.image_id,
    'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
    'guest_format': {'type': 'string', 'maxLength': 255},
    'device_type': {'type': 'string', 'maxLength': 255},
    'disk_bus': {'type': 'string', 'maxLength': 255},
    # NOTE: None is accepted for compatibility with the v2.0 API.
    'boot_index': {
        'type': ['integer', 'string', 'null'],
        'pattern': '^-?[0-9]+$',
    },
})

scheduler_hints = {
    'type': 'object',
    'properties': {
        'group': {'type': 'string', 'format': 'uuid'},
        'different_host': {
            # One server as a string, several as a list.
            'oneOf': [
                {'type': 'string', 'format': 'uuid'},
                {'type': 'array', 'items': parameter_types.server_id},
            ],
        },
        'same_host': {
            'type': ['string', 'array'],
            'items': parameter_types.server_id,
        },
        'query': {'type': ['string', 'object']},
        'target_cell': parameter_types.name,
        'different_cell': {
            'type': ['string', 'array'],
            'items': {'type': 'string'},
        },
        'build_near_host_ip': parameter_types.ip_address,
        'cidr': {'type': 'string', 'pattern': '^/[0-9a-f.:]+$'},
    },
    # NOTE: hints are open-ended: a deployment's own filters read their own.
    'additionalProperties': True,
}

_network = {
    'type': 'object',
    'properties': {
        'fixed_ip': parameter_types.ip_address,
        'port': {
            'oneOf': [{'type': 'string', 'format': 'uuid'},
                      {'type': 'null'}],
        },
        'uuid': {'type': 'string'},
    },
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'imageRef': parameter_types.image_ref,
                'flavorRef': parameter_types.flavor_ref,
                'adminPass': parameter_types.admin_password,
                'metadata': parameter_types.metadata,
                'networks': {'type': 'array', 'items': _network},
                'OS-DCF:diskConfig': parameter_types.disk_config,
                'accessIPv4': parameter_types.accessIPv4,
                'accessIPv6': parameter_types.accessIPv6,
                'personality': parameter_types.personality,
                'availability_zone': parameter_types.name,
                'block_device_mapping': {
                    'type': 'array', 'items': legacy_block_device_mapping,
                },
                'block_device_mapping_v2': {
                    'type': 'array', 'items': block_device_mapping_v2,
                },
                'config_drive': parameter_types.boolean,
                'key_name': parameter_types.name,
                'min_count': parameter_types.positive_integer,
                'max_count': parameter_types.positive_integer,
                'return_reservation_id': parameter_types.boolean,
                'security_groups': {
                    'type': 'array',
                    'items': {
                        'type': 'object',
                        'properties': {
                            # A security group name or UUID.
                            'name': parameter_types.name,
                        },
                        'additionalProperties': False,
                    },
                },
                'user_data': parameter_types.user_data,
            },
            'required': ['name', 'flavorRef'],
            'additionalProperties': False,
        },
        'os:scheduler_hints': scheduler_hints,
        'OS-SCH-HNT:scheduler_hints': scheduler_hints,
    },
    'required': ['server'],
    'additionalProperties': False,
}

# 2.19: a description.
create_v219 = copy.deepcopy(create)
create_v219['properties']['server']['properties'][
    'description'] = parameter_types.description

# 2.32 only: tags on networks and block devices (2.33 lost the block
# device tag by accident; 2.42 restores both).
create_v232 = copy.deepcopy(create_v219)
create_v232['properties']['server']['properties']['networks']['items'][
    'properties']['tag'] = parameter_types.tag
create_v232['properties']['server']['properties'][
    'block_device_mapping_v2']['items']['properties'][
    'tag'] = parameter_types.tag

# 2.33-2.36: network tags only.
create_v233 = copy.deepcopy(create_v219)
create_v233['properties']['server']['properties']['networks']['items'][
    'properties']['tag'] = parameter_types.tag

# 2.37: networks is required, and is a list (whose uuids must be UUIDs)
# or one of "auto" and "none".
_network_v237 = copy.deepcopy(_network)
_network_v237['properties']['uuid'] = {'type': 'string', 'format': 'uuid'}

create_v237 = copy.deepcopy(create_v233)
create_v237['properties']['server']['required'].append('networks')
create_v237['properties']['server']['properties']['networks'] = {
    'oneOf': [
        {'type': 'array', 'items': _network_v237},
        {'type': 'string', 'enum': ['none', 'auto']},
    ],
}

# 2.42: tags on networks and block devices again.
_network_v242 = copy.deepcopy(_network_v237)
_network_v242['properties']['tag'] = parameter_types.tag

create_v242 = copy.deepcopy(create_v237)
create_v242['properties']['server']['properties']['networks'] = {
    'oneOf': [
        {'type': 'array', 'items': _network_v242},
        {'type': 'string', 'enum': ['none', 'auto']},
    ],
}
create_v242['properties']['server']['properties'][
    'block_device_mapping_v2']['items']['properties'][
    'tag'] = parameter_types.tag

update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'OS-DCF:diskConfig': parameter_types.disk_config,
                'accessIPv4': parameter_types.accessIPv4,
                'accessIPv6': parameter_types.accessIPv6,
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

# 2.19: a description.
update_v219 = copy.deepcopy(update)
update_v219['properties']['server']['properties'][
    'description'] = parameter_types.description

# Query parameters naming joined tables: accepted by the schema so that the
# controller can refuse them with 400 instead of silently dropping them.
JOINED_TABLE_QUERY_PARAMS_SERVERS = {
    'block_device_mapping': parameter_types.common_query_param,
    'services': parameter_types.common_query_param,
    'metadata': parameter_types.common_query_param,
    'system_metadata': parameter_types.common_query_param,
    'info_cache': parameter_types.common_query_param,
    'security_groups': parameter_types.common_query_param,
    'pci_devices': parameter_types.common_query_param,
}

# Sort keys that were accepted before schemas existed but make no sense;
# they are ignored rather than refused (until 2.75).
SERVER_LIST_IGNORE_SORT_KEY = [
    'architecture', 'cell_name', 'cleaned', 'default_ephemeral_device',
    'default_swap_device', 'deleted', 'deleted_at', 'disable_terminate',
    'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on',
    'locked', 'memory_mb', 'os_type', 'reservation_id', 'root_gb',
    'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode',
]

VALID_SORT_KEYS = {
    'type': 'string',
    'enum': ['access_ip_v4', 'access_ip_v6', 'auto_disk_config',
             'availability_zone', 'config_drive', 'created_at',
             'display_description', 'display_name', 'host', 'hostname',
             'image_ref', 'instance_type_id', 'kernel_id', 'key_name',
             'launch_index', 'launched_at', 'locked_by', 'node',
             'power_state', 'progress', 'project_id', 'ramdisk_id',
             'root_device_name', 'task_state', 'terminated_at',
             'updated_at', 'user_id', 'uuid', 'vm_state'] +
            SERVER_LIST_IGNORE_SORT_KEY,
}

_regex = parameter_types.common_query_regex_param
_plain = parameter_types.common_query_param

index_query = {
    'type': 'object',
    'properties': {
        'user_id': _plain,
        'project_id': _plain,
        # Alias of project_id.
        'tenant_id': _plain,
        'launch_index': _plain,
        # Alias of image.
        'image_ref': _plain,
        'image': _plain,
        'kernel_id': _regex,
        'ramdisk_id': _regex,
        'hostname': _regex,
        'key_name': _regex,
        'power_state': _regex,
        'vm_state': _plain,
        'task_state': _plain,
        'host': _plain,
        'node': _regex,
        'flavor': _regex,
        'reservation_id': _regex,
        'launched_at': _regex,
        'terminated_at': _regex,
        'availability_zone': _regex,
        # A regular expression matched against the name.
        'name': _regex,
        # Alias of name.
        'display_name': _regex,
        'description': _regex,
        # Alias of description.
        'display_description': _regex,
        'locked_by': _regex,
        'uuid': _plain,
        'root_device_name': _regex,
        'config_drive': _regex,
        'access_ip_v4': _regex,
        'access_ip_v6': _regex,
        'auto_disk_config': _regex,
        'progress': _regex,
        'sort_key': parameter_types.multi_params(VALID_SORT_KEYS),
        'sort_dir': _plain,
        'all_tenants': _plain,
        'soft_deleted': _plain,
        'deleted': _plain,
        'status': _plain,
        'changes-since': parameter_types.multi_params(
            {'type': 'string', 'format': 'date-time'}),
        'ip': _regex,
        'ip6': _regex,
        'created_at': _regex,
    },
    # NOTE: unknown parameters are stripped, not refused, until 2.75.
    'additionalProperties': True,
    # Parameters starting with '_' name internal attributes: kept by the
    # schema so the controller can refuse them with 400.
    'patternProperties': {'^_': _plain},
}
index_query['properties'].update(JOINED_TABLE_QUERY_PARAMS_SERVERS)
index_query['properties'].update(parameter_types.pagination_parameters)

# 2.26: tag filters.
index_query_v226 = copy.deepcopy(index_query)
index_query_v226['properties'].update({
    'tags': _regex,
    'tags-any': _regex,
    'not-tags': _regex,
    'not-tags-any': _regex,
})

# ---- server actions (POST /servers/{id}/action) -----------------------------

reboot = {
    'type': 'object',
    'properties': {
        'reboot': {
            'type': 'object',
            'properties': {
                'type': {
                    'type': 'string',
                    'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'],
                },
            },
            'required': ['type'],
            'additionalProperties': False,
        },
    },
    'required': ['reboot'],
    'additionalProperties': False,
}

# NOTE: the value of os-start/os-stop is ignored (clients send null, some
# send {}), as Nova never checked it.
start_server = {
    'type': 'object',
    'properties': {'os-start': {}},
    'required': ['os-start'],
    'additionalProperties': False,
}

stop_server = {
    'type': 'object',
    'properties': {'os-stop': {}},
    'required': ['os-stop'],
    'additionalProperties': False,
}
