"""What the HTTP services accept before anything reads it: JSON bodies no
deeper than MAX_BODY_DEPTH and with no string a database cannot store,
URLs that are UTF-8 text."""

import pytest

from nova_lite import exception
from nova_lite import http_input


def _reason(text):
    with pytest.raises(exception.MalformedRequestBody) as caught:
        http_input.loads(text)
    assert caught.value.code == 400
    return caught.value.kwargs['reason']


def test_loads_json():
    assert http_input.loads(b'{"a": [1, "\\u2603", {"b": null}]}') == {
        'a': [1, '\u2603', {'b': None}]}
    assert http_input.loads('"snow \U0001f642"') == 'snow \U0001f642'


@pytest.mark.parametrize('text', [b'{', b'', b'\xff', b'{"a": NaN]'])
def test_not_json(text):
    assert _reason(text) == http_input.NOT_JSON


@pytest.mark.parametrize('depth', [http_input.MAX_BODY_DEPTH + 1, 900,
                                   10000, 200000])
def test_too_deep(depth):
    # NOTE: from a depth the decoder itself gives up (RecursionError),
    # below it the walk counts; neither is a 500.
    text = '[' * depth + ']' * depth
    assert 'nested' in _reason(text)


def test_as_deep_as_allowed():
    depth = http_input.MAX_BODY_DEPTH
    text = '{"k": ' * (depth - 1) + '[]' + '}' * (depth - 1)
    assert http_input.loads(text) is not None


@pytest.mark.parametrize('text', [
    '{"name": "a\\ud800"}', '{"\\udfff": 1}', '["\\ud83d"]',
    '{"a": {"b": ["x", "\\udc00y"]}}'])
def test_lone_surrogates(text):
    assert 'surrogate' in _reason(text)


def test_a_surrogate_pair_is_text():
    assert http_input.loads('"\\ud83d\\ude42"') == '\U0001f642'


@pytest.mark.parametrize('text', ['{"a": "x\\u0000"}', '{"\\u0000": 1}',
                                  '[["\\u0000"]]'])
def test_nul(text):
    assert 'NUL' in _reason(text)


def _environ(path='/', query=''):
    # NOTE: WSGI strings: the request's bytes, decoded as latin-1.
    return {'SCRIPT_NAME': '', 'PATH_INFO': path, 'QUERY_STRING': query}


@pytest.mark.parametrize('path, query', [
    ('/servers', ''), ('/servers/\u00e2\u0098\u0083', 'name=%E2%98%83'),
    ('/a b', 'name=a+b&x=%25&y'), ('/', 'a=1;b=2')])
def test_url_of_text(path, query):
    assert http_input.url_error(_environ(path, query)) is None


@pytest.mark.parametrize('path', ['/servers/\xff', '/\xed\xa0\x80',
                                  '/\xc3(', '/servers/a\x00b'])
def test_path_not_text_is_404(path):
    status, explanation = http_input.url_error(_environ(path))
    assert status == 404
    assert 'not be found' in explanation


@pytest.mark.parametrize('query, words', [
    ('name=%ff', 'UTF-8'), ('%ed%a0%80=1', 'UTF-8'),
    ('name=\xff', 'UTF-8'), ('name=a%00b', 'NUL')])
def test_query_not_text_is_400(query, words):
    status, explanation = http_input.url_error(_environ('/servers', query))
    assert status == 400
    assert words in explanation
