"""Microversion values: parsing, ordering, ranges, and the history list."""

import pytest

from nova_lite.api.openstack import api_version_request as avr
from nova_lite import exception


@pytest.mark.parametrize('text, expected', [
    ('2.1', (2, 1)),
    ('2.47', (2, 47)),
    ('2.0', (2, 0)),
    ('10.100', (10, 100)),
])
def test_parse(text, expected):
    version = avr.APIVersionRequest(text)
    assert (version.ver_major, version.ver_minor) == expected
    assert version.get_string() == text


@pytest.mark.parametrize('text', [
    '2', '2.', '.1', '2.01', '02.1', '2.1.1', 'v2.1', '2.x', '', 'latest',
    ' 2.1', '2.1 ',
])
def test_parse_malformed(text):
    with pytest.raises(exception.InvalidAPIVersionString):
        avr.APIVersionRequest(text)


def test_null():
    null = avr.APIVersionRequest()
    assert null.is_null()
    with pytest.raises(ValueError):
        null.get_string()
    with pytest.raises(ValueError):
        null.matches(avr.min_api_version())


def test_ordering_is_numeric():
    assert avr.APIVersionRequest('2.9') < avr.APIVersionRequest('2.10')
    assert avr.APIVersionRequest('2.10') == avr.APIVersionRequest('2.10')
    assert avr.APIVersionRequest('3.0') > avr.APIVersionRequest('2.99')


@pytest.mark.parametrize('version, low, high, expected', [
    ('2.5', '2.1', '2.9', True),
    ('2.1', '2.1', '2.1', True),
    ('2.10', '2.1', '2.9', False),
    ('2.10', '2.10', None, True),
    ('2.100', '2.10', None, True),
    ('2.1', None, '2.1', True),
    ('2.2', None, '2.1', False),
])
def test_matches(version, low, high, expected):
    low = avr.APIVersionRequest(low)
    high = avr.APIVersionRequest(high)
    assert avr.APIVersionRequest(version).matches(low, high) is expected


def test_history_is_consecutive_and_ends_at_max():
    """One entry per microversion, in order, none skipped, each explained."""
    versions = [avr.APIVersionRequest(v) for v, _ in avr.VERSIONS]
    assert versions[0] == avr.APIVersionRequest('2.1')
    for earlier, later in zip(versions, versions[1:]):
        assert later.ver_major == earlier.ver_major
        assert later.ver_minor == earlier.ver_minor + 1
    assert avr.MAX_VERSION == avr.VERSIONS[-1][0] == '2.100'
    assert avr.MIN_VERSION == '2.1'
    assert all(text.strip() for _, text in avr.VERSIONS)
