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
        # A JsonFilter query: JSON text or the parsed expression.
        'query': {'type': ['string', 'object'],
                  'additionalProperties': True},
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

# 2.52: tags at create, as the tags resource (2.26) takes them.
create_v252 = copy.deepcopy(create_v242)
create_v252['properties']['server']['properties']['tags'] = {
    'type': 'array',
    'uniqueItems': True,
    'maxItems': 50,
    'items': parameter_types.tag,
}

# 2.57: personality (file injection) is gone.
create_v257 = copy.deepcopy(create_v252)
del create_v257['properties']['server']['properties']['personality']

# 2.63: trusted_image_certificates (certificate ids; null for none).
trusted_certs = {
    'type': ['array', 'null'],
    'minItems': 1,
    'maxItems': 50,
    'uniqueItems': True,
    'items': {'type': 'string', 'minLength': 1},
}
create_v263 = copy.deepcopy(create_v257)
create_v263['properties']['server']['properties'][
    'trusted_image_certificates'] = trusted_certs

# 2.67: a cinder volume_type on a block device mapping.
create_v267 = copy.deepcopy(create_v263)
create_v267['properties']['server']['properties'][
    'block_device_mapping_v2']['items']['properties']['volume_type'] = {
        'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255}

# 2.74: a requested destination (host and/or node).
create_v274 = copy.deepcopy(create_v267)
create_v274['properties']['server']['properties'].update({
    'host': parameter_types.hostname,
    'hypervisor_hostname': parameter_types.hostname,
})

# 2.90: the guest hostname, an RFC 1123 label.
server_hostname = {
    'type': 'string', 'minLength': 2, 'maxLength': 63,
    'pattern': '^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$',
}
create_v290 = copy.deepcopy(create_v274)
create_v290['properties']['server']['properties'][
    'hostname'] = server_hostname

# 2.94: the hostname may be a fully qualified domain name.
server_fqdn = {
    'type': 'string', 'minLength': 2, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?'
               '(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$',
}
create_v294 = copy.deepcopy(create_v290)
create_v294['properties']['server']['properties']['hostname'] = server_fqdn

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

# 2.90: the hostname; 2.94: a fully qualified one.
update_v290 = copy.deepcopy(update_v219)
update_v290['properties']['server']['properties'][
    'hostname'] = server_hostname
update_v294 = copy.deepcopy(update_v290)
update_v294['properties']['server']['properties']['hostname'] = server_fqdn

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

# 2.66: changes-before, the other end of changes-since.
index_query_v266 = copy.deepcopy(index_query_v226)
index_query_v266['properties'].update({
    'changes-before': parameter_types.multi_params(
        {'type': 'string', 'format': 'date-time'}),
})

# 2.73: the locked filter, and locked becomes a real sort key.
SERVER_LIST_IGNORE_SORT_KEY_V273 = [
    key for key in SERVER_LIST_IGNORE_SORT_KEY if key != 'locked']
VALID_SORT_KEYS_V273 = {
    'type': 'string',
    'enum': (['locked'] +
             sorted(set(VALID_SORT_KEYS['enum']) -
                    set(SERVER_LIST_IGNORE_SORT_KEY)) +
             SERVER_LIST_IGNORE_SORT_KEY_V273),
}
index_query_v273 = copy.deepcopy(index_query_v266)
index_query_v273['properties'].update({
    'sort_key': parameter_types.multi_params(VALID_SORT_KEYS_V273),
    'locked': _plain,
})

# 2.75: unknown parameters and ignored sort keys are refused (400).
VALID_SORT_KEYS_V275 = {
    'type': 'string',
    'enum': sorted(set(VALID_SORT_KEYS_V273['enum']) -
                   set(SERVER_LIST_IGNORE_SORT_KEY_V273)),
}
index_query_v275 = copy.deepcopy(index_query_v273)
index_query_v275['properties'].update({
    'sort_key': parameter_types.multi_params(VALID_SORT_KEYS_V275),
})
index_query_v275['additionalProperties'] = False

# ---- responses of create, show, update and the lists ------------------------
#
# NOTE: a server body grows with the microversions; ``_server`` builds the
# schema of one version and the *_responses lists cover 2.1 to the maximum,
# one schema per range in which the body does not change.

_view_link = {
    'type': 'object',
    'properties': {
        'rel': {'type': 'string'},
        'href': {'type': 'string', 'format': 'uri'},
        'type': {'type': 'string'},
    },
    'required': ['rel', 'href'],
    'additionalProperties': False,
}
_view_links = {'type': 'array', 'items': _view_link}
_nullable_string = {'type': ['string', 'null']}

_addresses = {
    'type': 'object',
    'additionalProperties': {
        'type': 'array',
        'items': {
            'type': 'object',
            'properties': {
                'addr': {'type': 'string'},
                'version': {'type': 'integer', 'enum': [4, 6]},
                'OS-EXT-IPS:type': {'type': 'string',
                                    'enum': ['fixed', 'floating']},
                'OS-EXT-IPS-MAC:mac_addr': {'type': 'string'},
            },
            'required': ['addr', 'version'],
            'additionalProperties': False,
        },
    },
}

_flavor_link = {
    'type': 'object',
    'properties': {'id': {'type': 'string'}, 'links': _view_links},
    'required': ['id', 'links'],
    'additionalProperties': False,
}
_flavor_embedded = {
    'type': 'object',
    'properties': {
        'vcpus': {'type': 'integer'},
        'ram': {'type': 'integer'},
        'disk': {'type': 'integer'},
        'ephemeral': {'type': 'integer'},
        'swap': {'type': 'integer'},
        'original_name': {'type': 'string'},
        'extra_specs': {'type': 'object',
                        'additionalProperties': {'type': 'string'}},
    },
    'required': ['vcpus', 'ram', 'disk', 'ephemeral', 'swap',
                 'original_name'],
    'additionalProperties': False,
}

_fault = {
    'type': 'object',
    'properties': {
        'code': {'type': 'integer'},
        'created': {'type': 'string', 'format': 'date-time'},
        'message': {'type': 'string'},
        'details': {'type': 'string'},
    },
    'required': ['code', 'created', 'message'],
    'additionalProperties': False,
}

# Shown as an admin (policy) sees them; 2.3 adds the second group.
_EXTENDED_ATTRS = ('OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:instance_name',
                   'OS-EXT-SRV-ATTR:hypervisor_hostname')
_EXTENDED_ATTRS_V23 = (
    'OS-EXT-SRV-ATTR:reservation_id', 'OS-EXT-SRV-ATTR:launch_index',
    'OS-EXT-SRV-ATTR:hostname', 'OS-EXT-SRV-ATTR:kernel_id',
    'OS-EXT-SRV-ATTR:ramdisk_id', 'OS-EXT-SRV-ATTR:root_device_name',
    'OS-EXT-SRV-ATTR:user_data')


def _server(version, full=True, server_groups=False):
    """The schema of one server body at ``version`` ((major, minor)).

    :param full: with the attributes of the v2.0 extensions (show, detail;
        update from 2.75), which the update answer before 2.75 lacks.
    :param server_groups: show, update and rebuild list them from 2.71.
    """
    def at(minor):
        return version >= (2, minor)

    image_ref = {
        'type': 'object',
        'properties': {'id': {'type': 'string'}, 'links': _view_links},
        'required': ['id', 'links'],
        'additionalProperties': False,
    }
    if at(98):
        image_ref['properties']['properties'] = {
            'type': 'object',
            'additionalProperties': {'type': 'string'},
        }
        image_ref['required'].append('properties')
    properties = {
        'id': {'type': 'string', 'format': 'uuid'},
        'name': {'type': 'string'},
        'status': {'type': 'string'},
        'tenant_id': {'type': 'string'},
        'user_id': {'type': 'string'},
        'metadata': {'type': 'object',
                     'additionalProperties': {'type': 'string'}},
        'hostId': {'type': 'string'},
        # '' for a server booted from a volume.
        'image': {'oneOf': [{'type': 'string', 'enum': ['']}, image_ref]},
        'flavor': _flavor_embedded if at(47) else _flavor_link,
        'created': {'type': 'string', 'format': 'date-time'},
        # NOTE: null only for a row never written since its insert.
        'updated': {'type': ['string', 'null'], 'format': 'date-time'},
        'addresses': _addresses,
        'accessIPv4': {'type': 'string'},
        'accessIPv6': {'type': 'string'},
        'links': _view_links,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'fault': _fault,
        'progress': {'type': 'integer'},
    }
    required = ['id', 'name', 'status', 'tenant_id', 'user_id', 'metadata',
                'hostId', 'image', 'flavor', 'created', 'updated',
                'addresses', 'accessIPv4', 'accessIPv6', 'links',
                'OS-DCF:diskConfig']
    if full:
        properties.update({
            'OS-EXT-AZ:availability_zone': _nullable_string,
            'config_drive': {'type': 'string'},
            'key_name': _nullable_string,
            'OS-SRV-USG:launched_at': _nullable_string,
            'OS-SRV-USG:terminated_at': _nullable_string,
            'security_groups': {
                'type': 'array',
                'items': {
                    'type': 'object',
                    'properties': {'name': {'type': 'string'}},
                    'required': ['name'],
                    'additionalProperties': False,
                },
            },
            'OS-EXT-STS:task_state': _nullable_string,
            'OS-EXT-STS:vm_state': {'type': 'string'},
            'OS-EXT-STS:power_state': {'type': 'integer'},
            'os-extended-volumes:volumes_attached': {
                'type': 'array',
                'items': {
                    'type': 'object',
                    'properties': {
                        'id': {'type': 'string'},
                        'delete_on_termination': {'type': 'boolean'},
                    },
                    'required': (['id', 'delete_on_termination'] if at(3)
                                 else ['id']),
                    'additionalProperties': False,
                },
            },
        })
        required += ['OS-EXT-AZ:availability_zone', 'config_drive',
                     'key_name', 'OS-SRV-USG:launched_at',
                     'OS-SRV-USG:terminated_at', 'OS-EXT-STS:task_state',
                     'OS-EXT-STS:vm_state', 'OS-EXT-STS:power_state',
                     'os-extended-volumes:volumes_attached']
        extended = _EXTENDED_ATTRS + (_EXTENDED_ATTRS_V23 if at(3) else ())
        for name in extended:
            properties[name] = (
                {'type': ['integer', 'null']}
                if name == 'OS-EXT-SRV-ATTR:launch_index'
                else _nullable_string)
        if at(16):
            properties['host_status'] = {'type': 'string'}
    if at(90):
        # Every user sees the hostname from 2.90.
        properties['OS-EXT-SRV-ATTR:hostname'] = _nullable_string
        required.append('OS-EXT-SRV-ATTR:hostname')
    for minor, name, value_schema in (
            (9, 'locked', {'type': 'boolean'}),
            (19, 'description', _nullable_string),
            (26, 'tags', {'type': 'array', 'items': {'type': 'string'}}),
            (63, 'trusted_image_certificates',
             {'type': ['array', 'null'], 'items': {'type': 'string'}}),
            (73, 'locked_reason', _nullable_string),
            (96, 'pinned_availability_zone', _nullable_string),
            (100, 'scheduler_hints', {
                'type': 'object',
                'additionalProperties': {
                    'type': ['array', 'string'],
                    'items': {'type': 'string'}}})):
        if at(minor):
            properties[name] = value_schema
            required.append(name)
    if server_groups and at(71):
        properties['server_groups'] = {
            'type': 'array', 'items': {'type': 'string', 'format': 'uuid'}}
    return {
        'type': 'object',
        'properties': properties,
        'required': required,
        'additionalProperties': False,
    }


# Versions at which the server body changes.
_BODY_VERSIONS = ['2.1', '2.3', '2.9', '2.16', '2.19', '2.26', '2.47',
                  '2.63', '2.71', '2.73', '2.75', '2.90', '2.96', '2.98',
                  '2.100']


def _ranges():
    """``[(min, max), ...]`` over which the server body stays the same."""
    ranges = []
    for index, low in enumerate(_BODY_VERSIONS):
        high = None
        if index + 1 < len(_BODY_VERSIONS):
            major, minor = _BODY_VERSIONS[index + 1].split('.')
            high = '%s.%d' % (major, int(minor) - 1)
        ranges.append((low, high))
    return ranges


def _key(version):
    major, minor = version.split('.')
    return (int(major), int(minor))


def _wrapped(key, item_schema, links=False):
    body = {
        'type': 'object',
        'properties': {key: item_schema},
        'required': [key],
        'additionalProperties': False,
    }
    if links:
        body['properties']['servers_links'] = _view_links
    return body


def _responses(make):
    return [(make(_key(low)), low, high) for low, high in _ranges()]


show_responses = _responses(lambda v: _wrapped(
    'server', _server(v, server_groups=True)))
# Before 2.75 the update answer lacks the v2.0 extensions' attributes.
update_responses = _responses(lambda v: _wrapped(
    'server', _server(v, full=v >= (2, 75), server_groups=True)))
detail_responses = _responses(lambda v: _wrapped(
    'servers', {'type': 'array', 'items': _server(v)}, links=True))

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

delete_response = {'type': 'null'}

index_response = _wrapped('servers', {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'id': {'type': 'string', 'format': 'uuid'},
            'name': {'type': 'string'},
            'links': _view_links,
        },
        'required': ['id', 'name', 'links'],
        'additionalProperties': False,
    },
}, links=True)

create_response = {
    'oneOf': [
        _wrapped('server', {
            'type': 'object',
            'properties': {
                'id': {'type': 'string', 'format': 'uuid'},
                'links': _view_links,
                'OS-DCF:diskConfig': {'type': 'string',
                                      'enum': ['AUTO', 'MANUAL']},
                'security_groups': {
                    'type': 'array',
                    'items': {
                        'type': 'object',
                        'properties': {'name': {'type': 'string'}},
                        'required': ['name'],
                        'additionalProperties': False,
                    },
                },
                'adminPass': {'type': 'string'},
            },
            'required': ['id', 'links', 'OS-DCF:diskConfig',
                         'security_groups'],
            'additionalProperties': False,
        }),
        # return_reservation_id
        _wrapped('reservation_id', {'type': 'string'}),
    ],
}


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

# NOTE: os-stop, os-start and reboot answer 202 with no body.
stop_server_response = {'type': 'null'}
start_server_response = stop_server_response
reboot_response = stop_server_response

# ---- resize, confirmResize, revertResize, rebuild ---------------------------

resize = {
    'type': 'object',
    'properties': {
        'resize': {
            'type': 'object',
            'properties': {
                'flavorRef': parameter_types.flavor_ref,
                'OS-DCF:diskConfig': parameter_types.disk_config,
            },
            'required': ['flavorRef'],
            'additionalProperties': False,
        },
    },
    'required': ['resize'],
    'additionalProperties': False,
}

# NOTE: Nova ignores the value of confirmResize/revertResize (clients send
# null).
confirm_resize = {
    'type': 'object',
    'properties': {'confirmResize': {}},
    'required': ['confirmResize'],
    'additionalProperties': False,
}

revert_resize = {
    'type': 'object',
    'properties': {'revertResize': {}},
    'required': ['revertResize'],
    'additionalProperties': False,
}

rebuild = {
    'type': 'object',
    'properties': {
        'rebuild': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'imageRef': parameter_types.image_ref,
                'adminPass': parameter_types.admin_password,
                'metadata': parameter_types.metadata,
                'preserve_ephemeral': parameter_types.boolean,
                'OS-DCF:diskConfig': parameter_types.disk_config,
                'accessIPv4': parameter_types.accessIPv4,
                'accessIPv6': parameter_types.accessIPv6,
                'personality': parameter_types.personality,
            },
            'required': ['imageRef'],
            'additionalProperties': False,
        },
    },
    'required': ['rebuild'],
    'additionalProperties': False,
}

# 2.19: a description.
rebuild_v219 = copy.deepcopy(rebuild)
rebuild_v219['properties']['rebuild']['properties'][
    'description'] = parameter_types.description

# 2.54: a key pair (null removes the server's).
rebuild_v254 = copy.deepcopy(rebuild_v219)
rebuild_v254['properties']['rebuild']['properties'][
    'key_name'] = parameter_types.name_or_none

# 2.57: user_data (null removes it); personality is gone.
rebuild_v257 = copy.deepcopy(rebuild_v254)
rebuild_v257['properties']['rebuild']['properties']['user_data'] = {
    'oneOf': [parameter_types.user_data, {'type': 'null'}],
}
del rebuild_v257['properties']['rebuild']['properties']['personality']

# 2.63: trusted_image_certificates.
rebuild_v263 = copy.deepcopy(rebuild_v257)
rebuild_v263['properties']['rebuild']['properties'][
    'trusted_image_certificates'] = trusted_certs

# 2.90: the guest hostname.
rebuild_v290 = copy.deepcopy(rebuild_v263)
rebuild_v290['properties']['rebuild']['properties'][
    'hostname'] = server_hostname

# 2.94: the hostname may be a fully qualified domain name.
rebuild_v294 = copy.deepcopy(rebuild_v290)
rebuild_v294['properties']['rebuild']['properties']['hostname'] = server_fqdn

# NOTE: resize, confirmResize and revertResize answer with no body (202,
# 204, 202).
resize_response = {'type': 'null'}
confirm_resize_response = {'type': 'null'}
revert_resize_response = {'type': 'null'}

_link = {
    'type': 'object',
    'properties': {
        'href': {'type': 'string', 'format': 'uri'},
        'rel': {'type': 'string'},
    },
    'required': ['href', 'rel'],
    'additionalProperties': False,
}

# NOTE: the rebuilt server in the view of its microversion (before 2.75 a
# part of show's, from 2.75 show's own): the attributes every version has
# are stated, the ones a version adds (OS-EXT-*, locked, tags, ...) come
# from the show view and are let through.
rebuild_response = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'id': {'type': 'string', 'format': 'uuid'},
                'name': {'type': ['string', 'null']},
                'status': {'type': 'string'},
                'tenant_id': {'type': 'string'},
                'user_id': {'type': 'string'},
                'metadata': {
                    'type': 'object',
                    'patternProperties': {'^.+$': {'type': 'string'}},
                    'additionalProperties': False,
                },
                'hostId': {'type': 'string'},
                'image': {
                    'oneOf': [
                        {'type': 'string', 'enum': ['']},
                        {
                            'type': 'object',
                            'properties': {
                                'id': {'type': 'string'},
                                'links': {'type': 'array', 'items': _link},
                            },
                            'required': ['id'],
                            'additionalProperties': True,
                        },
                    ],
                },
                'flavor': {'type': 'object', 'additionalProperties': True},
                'created': {'type': 'string', 'format': 'date-time'},
                'updated': {'type': 'string', 'format': 'date-time'},
                'addresses': {'type': 'object', 'additionalProperties': True},
                'accessIPv4': {'type': 'string'},
                'accessIPv6': {'type': 'string'},
                'links': {'type': 'array', 'items': _link},
                'OS-DCF:diskConfig': {'type': 'string',
                                      'enum': ['AUTO', 'MANUAL']},
                'progress': {'type': 'integer', 'minimum': 0,
                             'maximum': 100},
                'adminPass': {'type': 'string'},
            },
            'required': ['id', 'name', 'status', 'tenant_id', 'user_id',
                         'metadata', 'hostId', 'image', 'flavor', 'created',
                         'updated', 'addresses', 'accessIPv4', 'accessIPv6',
                         'links', 'OS-DCF:diskConfig'],
            'additionalProperties': True,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

# 2.54: the key pair (a rebuild may change it); 2.57: the user data.
rebuild_response_v254 = copy.deepcopy(rebuild_response)
rebuild_response_v254['properties']['server']['properties']['key_name'] = {
    'type': ['string', 'null']}
rebuild_response_v254['properties']['server']['required'].append('key_name')
rebuild_response_v257 = copy.deepcopy(rebuild_response_v254)
rebuild_response_v257['properties']['server']['properties']['user_data'] = {
    'type': ['string', 'null']}
rebuild_response_v257['properties']['server']['required'].append(
    'user_data')


# ---- createImage -----------------------------------------------------------

create_image = {
    'type': 'object',
    'properties': {
        'createImage': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'metadata': parameter_types.metadata,
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['createImage'],
    'additionalProperties': False,
}

# NOTE: before 2.45 the answer is a Location header and no body.
create_image_response = {'type': 'null'}

create_image_response_v245 = {
    'type': 'object',
    'properties': {
        'image_id': {'type': 'string', 'format': 'uuid'},
    },
    'required': ['image_id'],
    'additionalProperties': False,
}
