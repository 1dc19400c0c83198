"""Schemas of the suspend and resume server actions: a null body each."""

# NOTE: as for pause: any value under the key is accepted and ignored.
suspend = {
    'type': 'object',
    'properties': {'suspend': {}},
    'required': ['suspend'],
    'additionalProperties': False,
}

resume = {
    'type': 'object',
    'properties': {'resume': {}},
    'required': ['resume'],
    'additionalProperties': False,
}

# NOTE: both answer 202 with no body.
suspend_response = {'type': 'null'}
resume_response = suspend_response
