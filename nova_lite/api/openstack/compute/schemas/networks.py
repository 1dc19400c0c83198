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

# ---- responses --------------------------------------------------------------

_string = {'type': ['string', 'null']}
_boolean = {'type': ['boolean', 'null']}
_integer = {'type': ['integer', 'null']}

# NOTE: nova-network's network; every field may be null (Nova's sample
# shows them so). Users see the first group only, admins all of them.
_user_fields = {
    'id': {'type': 'string'},
    'cidr': _string,
    'netmask': _string,
    'gateway': _string,
    'broadcast': _string,
    'dns1': _string,
    'dns2': _string,
    'cidr_v6': _string,
    'gateway_v6': _string,
    'label': _string,
    'netmask_v6': _string,
}
_admin_fields = {
    'created_at': _string,
    'updated_at': _string,
    'deleted_at': _string,
    'deleted': _boolean,
    'injected': _boolean,
    'bridge': _string,
    'vlan': _integer,
    'vpn_public_address': _string,
    'vpn_public_port': _integer,
    'vpn_private_address': _string,
    'dhcp_start': _string,
    'project_id': _string,
    'host': _string,
    'bridge_interface': _string,
    'multi_host': _boolean,
    'priority': _integer,
    'rxtx_base': _integer,
    'mtu': _integer,
    'dhcp_server': _string,
    'enable_dhcp': _boolean,
    'share_address': _boolean,
}

_network = {
    'type': 'object',
    'properties': dict(_user_fields, **_admin_fields),
    'required': sorted(_user_fields),
    'additionalProperties': False,
}

index_response = {
    'type': 'object',
    'properties': {
        'networks': {'type': 'array', 'items': _network},
    },
    'required': ['networks'],
    'additionalProperties': False,
}

show_response = {
    'type': 'object',
    'properties': {
        'network': _network,
    },
    'required': ['network'],
    'additionalProperties': False,
}

# NOTE: what never answers with a body: listing and showing from 2.36
# (404), and creating, adding, disassociating and deleting (410).
no_response = {'not': {}}
index_response_v236 = no_response
show_response_v236 = no_response
create_response = no_response
add_response = no_response
delete_response = no_response
disassociate_response = no_response
