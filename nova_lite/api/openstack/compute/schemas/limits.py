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
