"""API unit tests check every response against its method's response
schema, as the functional tests do: a schema that lies fails the test
that exercises it."""

import pytest

from nova_lite import conf

CONF = conf.CONF


@pytest.fixture(autouse=True)
def response_validation():
    CONF.set_override('response_validation', 'error', group='api')
    yield
    CONF.clear_override('response_validation', group='api')
