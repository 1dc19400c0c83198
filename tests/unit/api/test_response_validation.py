"""Response validation through a fake controller: each body is checked
against the schema of the request's microversion; empty answers (None,
a ResponseObject without a body) meet ``{"type": "null"}``; a mismatch is
a 500 under ``error`` (what the API unit tests run with, see conftest),
a log line under ``warn``, and nothing under ``ignore``."""

import pytest

from nova_lite.api.openstack import api_version_request as avr
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import conf

CONF = conf.CONF

_NULL = {'type': 'null'}
_OLD = {
    'type': 'object',
    'properties': {'old': {'type': 'string'}},
    'required': ['old'],
    'additionalProperties': False,
}
_NEW = {
    'type': 'object',
    'properties': {'new': {'type': 'integer'}},
    'required': ['new'],
    'additionalProperties': False,
}


class FakeController(wsgi.Controller):

    @wsgi.expected_errors(())
    @validation.response_body_schema(_OLD, '2.1', '2.9')
    @validation.response_body_schema(_NEW, '2.10')
    def index(self, req):
        return req.environ['fake.answer']

    @wsgi.response(204)
    @wsgi.expected_errors(())
    @validation.response_body_schema(_NULL)
    def delete(self, req, id):
        return req.environ['fake.answer']


def call(action, answer, version='2.1', **args):
    req = wsgi.Request.blank('/', method='GET')
    req.api_version_request = avr.APIVersionRequest(version)
    req.environ['fake.answer'] = answer
    req.environ['wsgiorg.routing_args'] = ((), dict(args, action=action))
    return req.get_response(wsgi.Resource(FakeController()))


@pytest.mark.parametrize('version, answer', [
    ('2.1', {'old': 'x'}),
    ('2.9', {'old': 'x'}),
    ('2.10', {'new': 1}),
    ('2.47', {'new': 1}),
])
def test_body_matching_its_version_passes(version, answer):
    resp = call('index', answer, version)
    assert resp.status_int == 200
    assert resp.json == answer


@pytest.mark.parametrize('version, answer', [
    ('2.1', {'new': 1}),           # the later version's body
    ('2.10', {'old': 'x'}),        # the earlier version's body
    ('2.10', {'new': 'one'}),      # wrong type
    ('2.10', {'new': 1, 'x': 2}),  # an undeclared field
    ('2.1', None),
])
def test_mismatch_is_500_under_error(version, answer):
    resp = call('index', answer, version)
    assert resp.status_int == 500
    assert list(resp.json) == ['computeFault']


@pytest.mark.parametrize('answer', [None, wsgi.ResponseObject(None)])
def test_empty_answers_meet_the_null_schema(answer):
    resp = call('delete', answer, id='x')
    assert resp.status_int == 204
    assert resp.body == b''


def test_response_object_body_is_checked():
    resp = call('delete', wsgi.ResponseObject({'a': 1}), id='x')
    assert resp.status_int == 500


def test_warn_logs_and_answers(flags, caplog):
    flags(response_validation='warn', group='api')
    resp = call('index', {'new': 1}, '2.1')
    assert resp.status_int == 200
    assert resp.json == {'new': 1}
    assert 'does not match its schema' in caplog.text


def test_ignore_does_not_check(flags, caplog):
    flags(response_validation='ignore', group='api')
    resp = call('index', {'new': 1}, '2.1')
    assert resp.status_int == 200
    assert 'does not match' not in caplog.text


def test_api_unit_tests_run_with_error():
    assert CONF.api.response_validation == 'error'


def test_schemas_are_recorded_per_range():
    ranges = [(low.get_string(), high.get_string() if not high.is_null()
               else None) for _schema, low, high
              in FakeController.index.response_body_schemas]
    assert sorted(ranges) == [('2.1', '2.9'), ('2.10', None)]
