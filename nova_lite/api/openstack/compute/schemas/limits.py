"""Schemas of /limits: ``tenant_id`` (admins) names another project."""

from nova_lite.api.validation import parameter_types

# Unknown parameters are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {
        'tenant_id': parameter_types.common_query_param,
    },
    'additionalProperties': True,
}

# ---- responses --------------------------------------------------------------

_absolute = {
    name: {'type': 'integer', 'minimum': -1}
    for name in ('maxImageMeta', 'maxPersonality', 'maxPersonalitySize',
                 'maxSecurityGroupRules', 'maxSecurityGroups',
                 'maxServerMeta', 'maxTotalCores', 'maxTotalFloatingIps',
                 'maxTotalInstances', 'maxTotalKeypairs', 'maxTotalRAMSize',
                 'maxServerGroups', 'maxServerGroupMembers')
}
_absolute.update({
    name: {'type': 'integer', 'minimum': 0}
    for name in ('totalCoresUsed', 'totalInstancesUsed', 'totalRAMUsed',
                 'totalSecurityGroupsUsed', 'totalFloatingIpsUsed',
                 'totalServerGroupsUsed')
})


def _index_response(removed=()):
    absolute = {name: value for name, value in _absolute.items()
                if name not in removed}
    return {
        'type': 'object',
        'properties': {
            'limits': {
                'type': 'object',
                'properties': {
                    'absolute': {
                        'type': 'object',
                        'properties': absolute,
                        'required': sorted(absolute),
                        'additionalProperties': False,
                    },
                    # NOTE: rate limits left Nova long ago; the list stays,
                    # always empty.
                    'rate': {'type': 'array', 'maxItems': 0},
                },
                'required': ['absolute', 'rate'],
                'additionalProperties': False,
            },
        },
        'required': ['limits'],
        'additionalProperties': False,
    }


# NOTE: 2.36 drops the network proxies' limits, 2.39 the image proxy's,
# 2.57 file injection's.
_REMOVED_V236 = ('maxTotalFloatingIps', 'maxSecurityGroups',
                 'maxSecurityGroupRules', 'totalFloatingIpsUsed',
                 'totalSecurityGroupsUsed')
_REMOVED_V239 = _REMOVED_V236 + ('maxImageMeta',)
_REMOVED_V257 = _REMOVED_V239 + ('maxPersonality', 'maxPersonalitySize')

index_response = _index_response()
index_response_v236 = _index_response(_REMOVED_V236)
index_response_v239 = _index_response(_REMOVED_V239)
index_response_v257 = _index_response(_REMOVED_V257)
