"""Schemas of the pause and unpause server actions: a null body each."""

# NOTE: Nova sends ``{"pause": null}``; its schema accepts any value under
# the key and ignores it, and so does this one.
pause = {
    'type': 'object',
    'properties': {'pause': {}},
    'required': ['pause'],
    'additionalProperties': False,
}

unpause = {
    'type': 'object',
    'properties': {'unpause': {}},
    'required': ['unpause'],
    'additionalProperties': False,
}

# NOTE: both answer 202 with no body.
pause_response = {'type': 'null'}
unpause_response = pause_response
