"""Schemas of os-quota-class-sets: the update per microversion (2.50
drops nova-network's resources and adds server groups to the answers,
2.57 drops file injection's), the show's query and the answers."""

import copy

from nova_lite.api.openstack.compute.schemas import quota_sets

update = {
    'type': 'object',
    'properties': {
        'quota_class_set': {
            'type': 'object',
            'properties': quota_sets.quota_resources,
            'additionalProperties': False,
        },
    },
    'required': ['quota_class_set'],
    'additionalProperties': False,
}

update_v250 = copy.deepcopy(update)
for _name in ('fixed_ips', 'floating_ips', 'security_groups',
              'security_group_rules', 'networks'):
    del update_v250['properties']['quota_class_set']['properties'][_name]

update_v257 = copy.deepcopy(update_v250)
for _name in ('injected_files', 'injected_file_content_bytes',
              'injected_file_path_bytes'):
    del update_v257['properties']['quota_class_set']['properties'][_name]

show_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# ---- responses --------------------------------------------------------------

# NOTE: what a quota class set shows, per microversion, as Nova's: below
# 2.50 nova-network's resources and no server groups; 2.50 the other way
# round; 2.57 no file injection.
RESOURCES = ('instances', 'cores', 'ram', 'metadata_items', 'key_pairs',
             'injected_files', 'injected_file_content_bytes',
             'injected_file_path_bytes', 'fixed_ips', 'floating_ips',
             'security_groups', 'security_group_rules')
RESOURCES_V250 = tuple(
    name for name in RESOURCES
    if name not in ('fixed_ips', 'floating_ips', 'security_groups',
                    'security_group_rules')) + ('server_groups',
                                                'server_group_members')
RESOURCES_V257 = tuple(name for name in RESOURCES_V250
                       if not name.startswith('injected_file'))

_limit = {'type': 'integer', 'minimum': -1}


def _response(resources, with_id):
    properties = {name: _limit for name in resources}
    if with_id:
        properties['id'] = {'type': 'string'}
    return {
        'type': 'object',
        'properties': {
            'quota_class_set': {
                'type': 'object',
                'properties': properties,
                'required': sorted(properties),
                'additionalProperties': False,
            },
        },
        'required': ['quota_class_set'],
        'additionalProperties': False,
    }


show_response = _response(RESOURCES, True)
show_response_v250 = _response(RESOURCES_V250, True)
show_response_v257 = _response(RESOURCES_V257, True)

# NOTE: the update answers without the id, as in Nova.
update_response = _response(RESOURCES, False)
update_response_v250 = _response(RESOURCES_V250, False)
update_response_v257 = _response(RESOURCES_V257, False)
