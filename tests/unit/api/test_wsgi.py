"""The WSGI framework with a fake controller: dispatch by microversion,
server actions, response codes, expected errors and fault bodies."""

import json

import pytest
import webob
import webob.exc

from nova_lite.api.openstack import api_version_request as avr
from nova_lite.api.openstack import wsgi
from nova_lite import exception


class FakeController(wsgi.Controller):

    @wsgi.api_version('2.1', '2.9')
    @wsgi.expected_errors(())
    def index(self, req):
        return {'variant': 'old'}

    @wsgi.api_version('2.10')
    @wsgi.response(201)
    @wsgi.expected_errors(())
    def index(self, req):  # noqa: F811
        return {'variant': 'new'}

    @wsgi.expected_errors((404, 409))
    def show(self, req, id):
        errors = {
            'notfound': exception.InstanceNotFound(instance_id=id),
            'conflict': exception.InstanceInvalidState(
                instance_uuid=id, attr='vm_state', state='error',
                method='stop'),
            'forbidden': exception.PolicyNotAuthorized(action='x'),
            'invalid': exception.Invalid(reason='nope'),
            'boom': RuntimeError('secret internals'),
            'webob': webob.exc.HTTPConflict(explanation='busy'),
        }
        if id in errors:
            raise errors[id]
        return None

    @wsgi.response(204)
    @wsgi.expected_errors(404)
    def delete(self, req, id):
        return None

    @wsgi.response(202)
    @wsgi.expected_errors(404)
    @wsgi.action('os-stop')
    def _stop(self, req, id, body):
        return {'stopped': id, 'body': body}

    @wsgi.api_version('2.17')
    @wsgi.response(202)
    @wsgi.expected_errors(404)
    @wsgi.action('trigger_crash_dump')
    def _crash(self, req, id, body):
        return None

    def undecorated(self, req):
        return {}


def call(action, method='GET', version='2.1', body=None, **args):
    req = wsgi.Request.blank('/', method=method)
    req.api_version_request = avr.APIVersionRequest(version)
    if body is not None:
        req.body = body.encode() if isinstance(body, str) else body
        req.content_type = 'application/json'
    req.environ['wsgiorg.routing_args'] = ((), dict(args, action=action))
    return req.get_response(wsgi.Resource(FakeController()))


@pytest.mark.parametrize('version, variant, code', [
    ('2.1', 'old', 200),
    ('2.9', 'old', 200),
    ('2.10', 'new', 201),
    ('2.47', 'new', 201),
])
def test_dispatch_by_version(version, variant, code):
    resp = call('index', version=version)
    assert resp.status_int == code
    assert resp.json == {'variant': variant}
    assert resp.content_type == 'application/json'


@pytest.mark.parametrize('id, code, name', [
    ('notfound', 404, 'itemNotFound'),
    ('conflict', 409, 'conflictingRequest'),
    ('forbidden', 403, 'forbidden'),   # always expected
    ('invalid', 500, 'computeFault'),  # 400 not declared: a bug
    ('boom', 500, 'computeFault'),
    ('webob', 409, 'conflictingRequest'),
])
def test_errors(id, code, name):
    resp = call('show', id=id)
    assert resp.status_int == code
    assert list(resp.json) == [name]
    assert resp.json[name]['code'] == code
    assert 'secret internals' not in resp.text


def test_declared_error_message():
    resp = call('show', id='notfound')
    assert resp.json['itemNotFound']['message'] == (
        'Instance notfound could not be found.')


def test_response_codes():
    assert call('show', id='x').status_int == 200
    resp = call('delete', method='DELETE', id='x')
    assert resp.status_int == 204
    assert resp.body == b''


def test_action_dispatch():
    resp = call('action', method='POST', body='{"os-stop": null}', id='s1')
    assert resp.status_int == 202
    assert resp.json == {'stopped': 's1', 'body': {'os-stop': None}}


def test_unknown_action():
    resp = call('action', method='POST', body='{"os-fly": {}}', id='s1')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'There is no such action: os-fly')


@pytest.mark.parametrize('version, code', [('2.16', 404), ('2.17', 202)])
def test_versioned_action(version, code):
    resp = call('action', method='POST', version=version,
                body='{"trigger_crash_dump": null}', id='s1')
    assert resp.status_int == code


def test_private_methods_are_not_routable():
    assert call('_stop', id='s1').status_int == 404


def test_missing_method_is_404():
    assert call('nothing').status_int == 404


def test_wrong_arguments_are_400():
    # Routed with an argument the method does not take.
    assert call('undecorated', id='x').status_int == 400


def test_empty_post_body_is_none():
    class Echo(wsgi.Controller):
        @wsgi.expected_errors(())
        def create(self, req, body):
            return {'got': body}

    req = wsgi.Request.blank('/', method='POST')
    req.api_version_request = avr.APIVersionRequest('2.1')
    req.environ['wsgiorg.routing_args'] = ((), {'action': 'create'})
    resp = req.get_response(wsgi.Resource(Echo()))
    assert resp.json == {'got': None}


def test_overlapping_versions_refused_at_class_creation():
    with pytest.raises(exception.ApiVersionsIntersect):
        class Overlap(wsgi.Controller):
            @wsgi.api_version('2.1', '2.10')
            def index(self, req):
                pass

            @wsgi.api_version('2.10')
            def index(self, req):  # noqa: F811
                pass


def test_open_ended_then_later_overlaps():
    with pytest.raises(exception.ApiVersionsIntersect):
        class Overlap(wsgi.Controller):
            @wsgi.api_version('2.1')
            def index(self, req):
                pass

            @wsgi.api_version('2.5', '2.6')
            def index(self, req):  # noqa: F811
                pass


@pytest.mark.parametrize('code, name', [
    (400, 'badRequest'), (401, 'unauthorized'), (403, 'forbidden'),
    (404, 'itemNotFound'), (405, 'badMethod'), (409, 'conflictingRequest'),
    (413, 'overLimit'), (415, 'badMediaType'), (429, 'overLimit'),
    (406, 'computeFault'), (500, 'computeFault'), (501, 'notImplemented'),
    (503, 'serviceUnavailable'),
])
def test_fault_names(code, name):
    req = wsgi.Request.blank('/')
    resp = req.get_response(wsgi.fault(code, 'why'))
    assert resp.status_int == code
    assert json.loads(resp.body) == {name: {'code': code, 'message': 'why'}}
    assert resp.content_type == 'application/json'


def test_retry_after_in_overlimit():
    req = wsgi.Request.blank('/')
    resp = req.get_response(wsgi.fault(429, 'slow down',
                                       headers={'Retry-After': '5'}))
    assert resp.json['overLimit']['retryAfter'] == '5'
    assert resp.headers['Retry-After'] == '5'
