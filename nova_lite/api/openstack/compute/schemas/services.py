"""Schemas of /os-services."""

from nova_lite.api.validation import parameter_types

index_query = {
    'type': 'object',
    'properties': {
        'host': parameter_types.multi_params({'type': 'string'}),
        'binary': parameter_types.multi_params({'type': 'string'}),
    },
    # NOTE: unknown parameters are stripped, not refused, until 2.75.
    'additionalProperties': True,
}
