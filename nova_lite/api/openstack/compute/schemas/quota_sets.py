"""Schemas of os-quota-sets: update per microversion (2.36 drops the
network resources, 2.57 file injection), and the reads' queries."""

import copy

common_quota = {
    'type': ['integer', 'string'],
    'pattern': '^-?[0-9]+$',
    # -1 means unlimited; the maximum is the database's INT.
    'minimum': -1,
    'maximum': 0x7FFFFFFF,
}

quota_resources = {
    'instances': common_quota,
    'cores': common_quota,
    'ram': common_quota,
    'floating_ips': common_quota,
    'fixed_ips': common_quota,
    'metadata_items': common_quota,
    'key_pairs': common_quota,
    'security_groups': common_quota,
    'security_group_rules': common_quota,
    'injected_files': common_quota,
    'injected_file_content_bytes': common_quota,
    'injected_file_path_bytes': common_quota,
    'server_groups': common_quota,
    'server_group_members': common_quota,
    'networks': common_quota,
}

update_quota_set = copy.deepcopy(quota_resources)
update_quota_set.update({'force': {'type': ['boolean', 'string'],
                                   'enum': [True, False, 'True', 'False',
                                            'true', 'false']}})

update = {
    'type': 'object',
    'properties': {
        'quota_set': {
            'type': 'object',
            'properties': update_quota_set,
            'additionalProperties': False,
        },
    },
    'required': ['quota_set'],
    'additionalProperties': False,
}

update_v236 = copy.deepcopy(update)
for _name in ('fixed_ips', 'floating_ips', 'security_groups',
              'security_group_rules', 'networks'):
    del update_v236['properties']['quota_set']['properties'][_name]

update_v257 = copy.deepcopy(update_v236)
for _name in ('injected_files', 'injected_file_content_bytes',
              'injected_file_path_bytes'):
    del update_v257['properties']['quota_set']['properties'][_name]

# Reads take no parameters nova-lite uses; unknown ones are stripped.
show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

defaults_query = show_query
detail_query = show_query
