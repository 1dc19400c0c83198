"""Schemas of /os-availability-zone: both lists take no parameters."""

# Unknown parameters are stripped, as elsewhere.
index_query = {
    'type': 'object',
    'properties': {},
    'additionalProperties': True,
}

detail_query = index_query
