"""Schemas of the createBackup server action."""

from nova_lite.api.validation import parameter_types

create_backup = {
    'type': 'object',
    'properties': {
        'createBackup': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                # NOTE: any word ("daily", "weekly"...): Nova does not
                # restrict it; rotation counts backups of one type.
                'backup_type': {'type': 'string'},
                'rotation': parameter_types.non_negative_integer,
                'metadata': parameter_types.metadata,
            },
            'required': ['name', 'backup_type', 'rotation'],
            'additionalProperties': False,
        },
    },
    'required': ['createBackup'],
    'additionalProperties': False,
}

# NOTE: before 2.45 the answer has no body: the image's URL comes in
# Location (and not at all with a rotation of 0, as in Nova).
create_backup_response = {'type': 'null'}

create_backup_response_v245 = {
    'type': 'object',
    'properties': {
        'image_id': {'type': 'string', 'format': 'uuid'},
    },
    'required': ['image_id'],
    'additionalProperties': False,
}
