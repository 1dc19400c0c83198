"""Schemas of the os-getConsoleOutput server action."""

get_console_output = {
    'type': 'object',
    'properties': {
        'os-getConsoleOutput': {
            'type': 'object',
            'properties': {
                # NOTE: a number of lines to keep from the end; -1 or null
                # (or no length at all) means the whole log. Strings of
                # digits are accepted for compatibility with v2.0 clients.
                # Nova's pattern lets a string such as "-5" through (its
                # "minimum" binds numbers only); here the pattern refuses
                # what the minimum refuses.
                'length': {
                    'type': ['integer', 'string', 'null'],
                    'pattern': '^(-1|[0-9]+)$',
                    'minimum': -1,
                },
            },
            'additionalProperties': False,
        },
    },
    'required': ['os-getConsoleOutput'],
    'additionalProperties': False,
}

get_console_output_response = {
    'type': 'object',
    'properties': {
        'output': {'type': 'string'},
    },
    'required': ['output'],
    'additionalProperties': False,
}
