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

# ---- responses --------------------------------------------------------------

_limit = {'type': 'integer', 'minimum': -1}
_detail = {
    'type': 'object',
    'properties': {
        'limit': _limit,
        'in_use': {'type': 'integer', 'minimum': 0},
        'reserved': {'type': 'integer', 'minimum': 0},
    },
    'required': ['limit', 'in_use', 'reserved'],
    'additionalProperties': False,
}

# NOTE: the resources a quota set shows, per microversion: 2.36 drops
# nova-network's, 2.57 file injection's. ``networks`` is a resource the
# update accepts but no answer shows, as in Nova.
_RESOURCES_V236 = ('instances', 'cores', 'ram', 'metadata_items',
                   'key_pairs', 'injected_files',
                   'injected_file_content_bytes', 'injected_file_path_bytes',
                   'server_groups', 'server_group_members')
_RESOURCES = _RESOURCES_V236 + ('fixed_ips', 'floating_ips',
                                'security_groups', 'security_group_rules')
_RESOURCES_V257 = tuple(name for name in _RESOURCES_V236
                        if not name.startswith('injected_file'))


def _quota_set_response(resources, value, with_id):
    properties = {name: value for name in resources}
    if with_id:
        properties['id'] = {'type': 'string'}
    return {
        'type': 'object',
        'properties': {
            'quota_set': {
                'type': 'object',
                'properties': properties,
                'required': sorted(properties),
                'additionalProperties': False,
            },
        },
        'required': ['quota_set'],
        'additionalProperties': False,
    }


show_response = _quota_set_response(_RESOURCES, _limit, True)
show_response_v236 = _quota_set_response(_RESOURCES_V236, _limit, True)
show_response_v257 = _quota_set_response(_RESOURCES_V257, _limit, True)

defaults_response = show_response
defaults_response_v236 = show_response_v236
defaults_response_v257 = show_response_v257

detail_response = _quota_set_response(_RESOURCES, _detail, True)
detail_response_v236 = _quota_set_response(_RESOURCES_V236, _detail, True)
detail_response_v257 = _quota_set_response(_RESOURCES_V257, _detail, True)

# NOTE: the update answers with every limit of the project, without id.
update_response = _quota_set_response(_RESOURCES, _limit, False)
update_response_v236 = _quota_set_response(_RESOURCES_V236, _limit, False)
update_response_v257 = _quota_set_response(_RESOURCES_V257, _limit, False)

# NOTE: 202 with no body.
delete_response = {'type': 'null'}
