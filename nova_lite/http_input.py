"""What the HTTP services accept from a client before anything reads it.

The Compute API and the image service both take JSON bodies and URLs from
anyone who can reach them. What Python's parsers let through but the rest
of nova-lite cannot hold (JSON nested deeper than the interpreter's stack,
strings no database stores, URLs that are not UTF-8) is refused here, once,
as the client's error, instead of surfacing as a 500 wherever it first
breaks something. Each service words the refusal its own way.
"""

import urllib.parse

from oslo_serialization import jsonutils

from nova_lite import exception

# NOTE: far deeper than any body of Nova's API (a server create with block
# device mappings is 5 levels), far shallower than Python's recursion
# limit, which the JSON decoder, jsonschema and the JSON encoder all share.
MAX_BODY_DEPTH = 32

# NOTE: the reason given for a body that is not JSON at all; services that
# word that case their own way (Nova: "Malformed request body") test for it.
NOT_JSON = 'cannot understand JSON'


def loads(text):
    """The JSON value of a request body, checked for what nova-lite stores.

    :param text: the body, bytes or str.
    :returns: the decoded value.
    :raises: MalformedRequestBody when ``text`` is not JSON, is nested
        deeper than MAX_BODY_DEPTH, or holds a string (key or value) with
        a lone surrogate (``"\\ud800"``: no UTF-8 encoding exists for it,
        so no database and no JSON answer can carry it) or a NUL
        (PostgreSQL cannot store one, and no field of the API means one).
    """
    try:
        value = jsonutils.loads(text)
    except RecursionError:
        raise exception.MalformedRequestBody(reason='nested too deeply')
    except ValueError:
        raise exception.MalformedRequestBody(reason=NOT_JSON)
    _check_value(value)
    return value


def _check_value(value):
    # NOTE: a walk with its own stack, so a deep value cannot exhaust the
    # interpreter's while it is being checked.
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_string(item)
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_BODY_DEPTH:
            raise exception.MalformedRequestBody(
                reason='nested deeper than %d levels' % MAX_BODY_DEPTH)
        if isinstance(item, dict):
            for key, child in item.items():
                _check_string(key)
                pending.append((child, depth + 1))
        else:
            pending.extend((child, depth + 1) for child in item)


def _check_string(text):
    if '\x00' in text:
        raise exception.MalformedRequestBody(
            reason='a string holds a NUL character')
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        raise exception.MalformedRequestBody(
            reason='a string holds a lone surrogate, which is not Unicode '
                   'text')


def url_error(environ):
    """Why the URL of a request cannot be served, or None.

    WSGI servers hand the path and query on as bytes in latin-1 strings;
    webob decodes them as UTF-8 when first asked, and would raise there.

    :returns: ``(status, explanation)``: 404 for a path that is not UTF-8
        or holds a NUL (no resource has such a name, as Nova's router
        finds nothing for it), 400 for such a query string; None for a
        URL that can be served.
    """
    path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
    if not _is_text(path):
        return 404, 'The resource could not be found.'
    query = environ.get('QUERY_STRING', '')
    if query:
        try:
            # NOTE: as webob decodes it, strictly; the separators are
            # ASCII, so the whole string decodes iff every part does.
            decoded = urllib.parse.unquote_to_bytes(
                query.encode('latin-1')).decode('utf-8')
        except (UnicodeDecodeError, UnicodeEncodeError):
            return 400, 'The query string is not valid UTF-8.'
        if '\x00' in decoded:
            return 400, 'The query string holds a NUL character.'
    return None


def _is_text(wsgi_string):
    """Whether a WSGI (latin-1) string is UTF-8 text without NUL."""
    try:
        text = wsgi_string.encode('latin-1').decode('utf-8')
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return '\x00' not in text
