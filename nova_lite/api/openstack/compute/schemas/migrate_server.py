"""Schemas of the migrate and os-migrateLive server actions."""

import copy

from nova_lite.api.validation import parameter_types

# NOTE: Nova's ``fqdn`` (nova-lite's ``hostname``), or null.
_host = copy.deepcopy(parameter_types.hostname)
_host['type'] = ['string', 'null']

# NOTE: up to 2.55 Nova has no schema for migrate: any value under the key
# is accepted and ignored (a host in it too), so nova-lite does the same.
migrate = {
    'type': 'object',
    'properties': {'migrate': {}},
    'required': ['migrate'],
    'additionalProperties': False,
}

# 2.56: null, or an object with an optional host for the scheduler to check.
migrate_v256 = {
    'type': 'object',
    'properties': {
        'migrate': {
            'type': ['object', 'null'],
            'properties': {'host': _host},
            'additionalProperties': False,
        },
    },
    'required': ['migrate'],
    'additionalProperties': False,
}

migrate_live = {
    'type': 'object',
    'properties': {
        'os-migrateLive': {
            'type': 'object',
            'properties': {
                'block_migration': parameter_types.boolean,
                'disk_over_commit': parameter_types.boolean,
                'host': _host,
            },
            'required': ['block_migration', 'disk_over_commit', 'host'],
            'additionalProperties': False,
        },
    },
    'required': ['os-migrateLive'],
    'additionalProperties': False,
}

# 2.25: block_migration may be "auto"; disk_over_commit is gone.
_block_migration = copy.deepcopy(parameter_types.boolean)
_block_migration['enum'] = _block_migration['enum'] + ['auto']

migrate_live_v225 = copy.deepcopy(migrate_live)
_live = migrate_live_v225['properties']['os-migrateLive']
del _live['properties']['disk_over_commit']
_live['properties']['block_migration'] = _block_migration
_live['required'] = ['block_migration', 'host']

# 2.30: force (skip the scheduler's checks of the given host).
migrate_live_v230 = copy.deepcopy(migrate_live_v225)
migrate_live_v230['properties']['os-migrateLive']['properties'][
    'force'] = parameter_types.boolean

# 2.68: force is gone again: the schema of 2.25.
migrate_live_v268 = copy.deepcopy(migrate_live_v225)

# NOTE: both answer 202 with no body, at every microversion.
migrate_response = {'type': 'null'}
migrate_live_response = {'type': 'null'}
