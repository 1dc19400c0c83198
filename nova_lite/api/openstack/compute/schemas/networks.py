"""Schemas of /os-networks: the query strings, and the bodies of the
nova-network calls that now answer 410 (checked first, as in Nova)."""

from nova_lite.api.validation import parameter_types

_cidr = {'type': 'string', 'maxLength': 43}

create = {
    'type': 'object',
    'properties': {
        'network': {
            'type': 'object',
            'properties': {
                'label': {'type': 'string', 'maxLength': 255},
                'ipam': parameter_types.boolean,
                'cidr': _cidr,
                'cidr_v6': _cidr,
                'fixed_cidr': _cidr,
                'project_id': {'type': 'string', 'maxLength': 255},
                'multi_host': parameter_types.boolean,
                'gateway': parameter_types.ipv4,
                'gateway_v6': parameter_types.ipv6,
                'bridge': {'type': 'string'},
                'bridge_interface': {'type': 'string'},
                'dns1': parameter_types.ip_address,
                'dns2': parameter_types.ip_address,
                'vlan': parameter_types.positive_integer,
                'vlan_start': parameter_types.positive_integer,
                'vpn_start': {'type': 'string'},
                'allowed_start': parameter_types.ip_address,
                'allowed_end': parameter_types.ip_address,
                'enable_dhcp': parameter_types.boolean,
                'share_address': parameter_types.boolean,
                'mtu': parameter_types.positive_integer,
                'dhcp_server': parameter_types.ip_address,
            },
            'required': ['label'],
            'oneOf': [{'required': ['cidr']}, {'required': ['cidr_v6']}],
            'additionalProperties': False,
        },
    },
    'required': ['network'],
    'additionalProperties': False,
}

add = {
    'type': 'object',
    'properties': {
        'id': {'type': ['string', 'null']},
    },
    'required': ['id'],
    'additionalProperties': False,
}

disassociate = {
    'type': 'object',
    'properties': {
        'disassociate': {'type': 'null'},
    },
    'required': ['disassociate'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {},
    # NOTE: unknown parameters are stripped, not refused, as in Nova.
    'additionalProperties': True,
}

show_query = index_query
