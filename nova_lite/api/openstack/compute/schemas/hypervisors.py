"""Schemas of /os-hypervisors: paging from 2.33; no other parameters."""

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

show_query = index_query
statistics_query = index_query
search_query = index_query
servers_query = index_query
