"""Schemas of /os-hypervisors: paging from 2.33; from 2.53 uuid ids and
the hypervisor_hostname_pattern and with_servers parameters; from 2.88
no resource figures in show/detail but an uptime."""

import copy

from nova_lite.api.validation import parameter_types

# Before 2.33 lists take no parameters; unknown ones are stripped.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

# 2.33: limit and marker (a hypervisor id), nothing else.
index_query_v233 = {
    'type': 'object',
    'properties': parameter_types.pagination_parameters,
    'additionalProperties': False,
}

# 2.53: the marker is a uuid; search and servers become parameters.
index_query_v253 = {
    'type': 'object',
    'properties': dict(
        parameter_types.pagination_parameters,
        hypervisor_hostname_pattern=parameter_types.single_param(
            {'type': 'string', 'minLength': 1, 'maxLength': 255}),
        with_servers=parameter_types.single_param(parameter_types.boolean),
    ),
    'additionalProperties': False,
}

show_query = index_query
show_query_v253 = {
    'type': 'object',
    'properties': {
        'with_servers': parameter_types.single_param(
            parameter_types.boolean),
    },
    'additionalProperties': False,
}
statistics_query = index_query
search_query = index_query
servers_query = index_query
uptime_query = index_query

# ---- responses -------------------------------------------------------------

_servers = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string'},
            'uuid': {'type': 'string', 'format': 'uuid'},
        },
        'required': ['name', 'uuid'],
        'additionalProperties': False,
    },
}

_hypervisor = {
    'type': 'object',
    'properties': {
        'id': {'type': 'integer'},
        'hypervisor_hostname': {'type': 'string'},
        'state': {'type': 'string', 'enum': ['up', 'down']},
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'servers': _servers,
    },
    'required': ['id', 'hypervisor_hostname', 'state', 'status'],
    'additionalProperties': False,
}

_RESOURCES = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
              'memory_mb_used', 'local_gb_used', 'free_ram_mb',
              'free_disk_gb', 'current_workload', 'running_vms',
              'disk_available_least')

_detail = copy.deepcopy(_hypervisor)
_detail['properties'].update({
    'hypervisor_type': {'type': 'string'},
    'hypervisor_version': {'type': 'integer'},
    'host_ip': {'type': ['string', 'null']},
    'service': {
        'type': 'object',
        'properties': {
            'host': {'type': 'string'},
            'id': {'type': 'integer'},
            'disabled_reason': {'type': ['string', 'null']},
        },
        'required': ['host', 'id', 'disabled_reason'],
        'additionalProperties': False,
    },
    'cpu_info': {'type': 'string'},
}, **{field: {'type': 'integer'} for field in _RESOURCES})
_detail['required'] += ['hypervisor_type', 'hypervisor_version', 'host_ip',
                        'service', 'cpu_info'] + list(_RESOURCES)

# 2.28: cpu_info is the object it encodes.
_detail_v228 = copy.deepcopy(_detail)
# NOTE: what the driver reports of the host's CPU: free-form.
_detail_v228['properties']['cpu_info'] = {'type': 'object',
                                          'additionalProperties': True}

# 2.53: uuids for hypervisor and service ids.
_hypervisor_v253 = copy.deepcopy(_hypervisor)
_hypervisor_v253['properties']['id'] = {'type': 'string', 'format': 'uuid'}
_detail_v253 = copy.deepcopy(_detail_v228)
_detail_v253['properties']['id'] = {'type': 'string', 'format': 'uuid'}
_detail_v253['properties']['service']['properties']['id'] = {
    'type': 'string', 'format': 'uuid'}

# 2.88: no resource figures nor cpu_info; the host's uptime instead.
_detail_v288 = copy.deepcopy(_detail_v253)
for _field in _RESOURCES + ('cpu_info',):
    del _detail_v288['properties'][_field]
    _detail_v288['required'].remove(_field)
_detail_v288['properties']['uptime'] = {'type': ['string', 'null']}
_detail_v288['required'].append('uptime')

_links = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'href': {'type': 'string', 'format': 'uri'},
            'rel': {'type': 'string'},
        },
        'required': ['href', 'rel'],
        'additionalProperties': False,
    },
}


def _list(item):
    return {
        'type': 'object',
        'properties': {
            'hypervisors': {'type': 'array', 'items': item},
            'hypervisors_links': _links,
        },
        'required': ['hypervisors'],
        'additionalProperties': False,
    }


def _one(item):
    return {
        'type': 'object',
        'properties': {'hypervisor': item},
        'required': ['hypervisor'],
        'additionalProperties': False,
    }


index_response = _list(_hypervisor)
index_response_v253 = _list(_hypervisor_v253)

detail_response = _list(_detail)
detail_response_v228 = _list(_detail_v228)
detail_response_v253 = _list(_detail_v253)
detail_response_v288 = _list(_detail_v288)

show_response = _one(_detail)
show_response_v228 = _one(_detail_v228)
show_response_v253 = _one(_detail_v253)
show_response_v288 = _one(_detail_v288)

statistics_response = {
    'type': 'object',
    'properties': {
        'hypervisor_statistics': {
            'type': 'object',
            'properties': {
                field: {'type': 'integer'}
                for field in ('count',) + _RESOURCES
            },
            'required': ['count'] + list(_RESOURCES),
            'additionalProperties': False,
        },
    },
    'required': ['hypervisor_statistics'],
    'additionalProperties': False,
}

_uptime = copy.deepcopy(_hypervisor)
_uptime['properties']['uptime'] = {'type': ['string', 'null']}
_uptime['required'].append('uptime')
_uptime_v253 = copy.deepcopy(_uptime)
_uptime_v253['properties']['id'] = {'type': 'string', 'format': 'uuid'}

uptime_response = _one(_uptime)
uptime_response_v253 = _one(_uptime_v253)

search_response = index_response
servers_response = index_response

# What a method gone at a version answers: nothing, it is a 404.
gone_response = {'type': 'null'}
