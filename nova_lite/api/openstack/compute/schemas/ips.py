"""Schemas of /servers/{server_id}/ips: the query strings."""

index_query = {
    'type': 'object',
    'properties': {},
    # NOTE: unknown parameters are stripped, not refused, as in Nova.
    'additionalProperties': True,
}

show_query = index_query
