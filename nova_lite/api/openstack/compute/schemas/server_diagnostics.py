"""Schemas of GET /servers/{server_id}/diagnostics: the query string and
the answers (the driver's flat dict before 2.48, the standard shape
from 2.48)."""

index_query = {
    'type': 'object',
    'properties': {},
    # NOTE: unknown parameters are stripped, not refused, as in Nova.
    'additionalProperties': True,
}

# NOTE: before 2.48 the answer is whatever the driver says: names of its
# own ("cpu0_time", "vda_read", "memory-actual"...) to numbers.
index_response = {
    'type': 'object',
    'additionalProperties': {'type': ['integer', 'number', 'string',
                                      'null']},
}

_count = {'type': ['integer', 'null'], 'minimum': -1}

index_response_v248 = {
    'type': 'object',
    'properties': {
        'config_drive': {'type': 'boolean'},
        'cpu_details': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'id': {'type': ['integer', 'null']},
                    'time': {'type': ['integer', 'null']},
                    'utilisation': {'type': ['integer', 'null']},
                },
                'required': ['id', 'time', 'utilisation'],
                'additionalProperties': False,
            },
        },
        'disk_details': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'errors_count': _count,
                    'read_bytes': _count,
                    'read_requests': _count,
                    'write_bytes': _count,
                    'write_requests': _count,
                },
                'required': ['errors_count', 'read_bytes', 'read_requests',
                             'write_bytes', 'write_requests'],
                'additionalProperties': False,
            },
        },
        'driver': {'type': 'string',
                   'enum': ['libvirt', 'xenapi', 'vmwareapi', 'ironic',
                            'hyperv']},
        'hypervisor': {'type': ['string', 'null']},
        'hypervisor_os': {'type': ['string', 'null']},
        'memory_details': {
            'type': 'object',
            'properties': {
                'maximum': {'type': ['integer', 'null']},
                'used': {'type': ['integer', 'null']},
            },
            'required': ['maximum', 'used'],
            'additionalProperties': False,
        },
        'nic_details': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'mac_address': {'type': ['string', 'null']},
                    'rx_drop': _count,
                    'rx_errors': _count,
                    'rx_octets': _count,
                    'rx_packets': _count,
                    'rx_rate': _count,
                    'tx_drop': _count,
                    'tx_errors': _count,
                    'tx_octets': _count,
                    'tx_packets': _count,
                    'tx_rate': _count,
                },
                'required': ['mac_address', 'rx_drop', 'rx_errors',
                             'rx_octets', 'rx_packets', 'rx_rate',
                             'tx_drop', 'tx_errors', 'tx_octets',
                             'tx_packets', 'tx_rate'],
                'additionalProperties': False,
            },
        },
        'num_cpus': {'type': ['integer', 'null']},
        'num_disks': {'type': ['integer', 'null']},
        'num_nics': {'type': ['integer', 'null']},
        'state': {
            'type': 'string',
            'enum': ['pending', 'running', 'paused', 'shutdown',
                     'crashed', 'suspended'],
        },
        'uptime': {'type': ['integer', 'null']},
    },
    'required': ['config_drive', 'cpu_details', 'disk_details', 'driver',
                 'hypervisor', 'hypervisor_os', 'memory_details',
                 'nic_details', 'num_cpus', 'num_disks', 'num_nics',
                 'state', 'uptime'],
    'additionalProperties': False,
}
