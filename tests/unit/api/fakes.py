"""Fakes for API unit tests: objects, an app with the compute API mocked."""

import datetime
import json
import types
from unittest import mock

import webob

from nova_lite.api import app as api_app
import nova_lite.conf
from nova_lite.states import power_state
from nova_lite.states import vm_states

CONF = nova_lite.conf.CONF

PROJECT = '6f70656e737461636b20342065766572'
USER = 'fake-user'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
SERVER = '0e44cc9c-e052-415d-afbf-469b0d384170'
CREATED = datetime.datetime(2013, 9, 3, 4, 1, 32)
UPDATED = datetime.datetime(2013, 9, 3, 4, 1, 33)
LAUNCHED = datetime.datetime(2013, 9, 23, 13, 37, 0, 880302)


def flavor(**kw):
    values = dict(flavorid='1', name='m1.tiny', memory_mb=512, vcpus=1,
                  root_gb=1, ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                  is_public=True, disabled=False, description=None,
                  extra_specs={}, id=1, projects=[])
    values.update(kw)
    return types.SimpleNamespace(**values)


def fault(**kw):
    values = dict(code=500, message='NoValidHost', details='Traceback...',
                  host='h1', created_at=UPDATED)
    values.update(kw)
    return types.SimpleNamespace(**values)


def instance(**kw):
    """An instance as the compute API returns it (attribute access)."""
    values = dict(
        id=1, uuid=SERVER, user_id=USER, project_id=PROJECT,
        display_name='new-server-test', display_description=None,
        hostname='new-server-test', image_ref=IMAGE, flavor=flavor(),
        vm_state=vm_states.ACTIVE, task_state=None,
        power_state=power_state.RUNNING, host='compute1', node='node1',
        launched_at=LAUNCHED, terminated_at=None, availability_zone='nova',
        key_name=None, key_data=None, user_data=None,
        reservation_id='r-00000001', launch_index=0, config_drive='',
        access_ip_v4=None, access_ip_v6=None, locked=False, locked_by=None,
        progress=0, metadata={'My Server Name': 'Apache1'},
        system_metadata={}, created_at=CREATED, updated_at=UPDATED,
        deleted=False, deleted_at=None, name='instance-00000001',
        fault=None)
    values.update(kw)
    return types.SimpleNamespace(**values)


def keypair(**kw):
    values = dict(id=1, name='kp1', user_id=USER,
                  fingerprint='44:fe:29:6e:23:14:b9:53:5b:65:82:58:1c:fe:5a',
                  public_key='ssh-rsa AAAA test', type='ssh',
                  created_at=CREATED, updated_at=None, deleted=False,
                  deleted_at=None)
    values.update(kw)
    return types.SimpleNamespace(**values)


def init_conf():
    """Parse an empty command line once, so policy can look for its file.

    NOTE: parsing again would clear overrides other tests may have set;
    ``_args`` is how oslo.config records that it has parsed.
    """
    if getattr(CONF, '_args', None) is None:
        CONF([], project='nova-lite', default_config_files=[],
             default_config_dirs=[])


class Client(object):
    """Drives the whole WSGI app with the compute APIs mocked.

    ``compute_api`` and ``keypair_api`` are the mocks the controllers got.
    """

    def __init__(self):
        init_conf()
        self.compute_api = mock.Mock(name='compute.API()')
        self.keypair_api = mock.Mock(name='compute.KeypairAPI()')
        self.action_api = mock.Mock(name='InstanceActionAPI()')
        with mock.patch('nova_lite.compute.api.API',
                        return_value=self.compute_api), \
                mock.patch('nova_lite.compute.keypairs.KeypairAPI',
                           return_value=self.keypair_api), \
                mock.patch('nova_lite.compute.instance_action_api.'
                           'InstanceActionAPI',
                           return_value=self.action_api):
            self.app = api_app.make_app()

    def request(self, path, method='GET', body=None, version=None,
                token='%s:%s' % (USER, PROJECT), headers=None,
                content_type='application/json'):
        """:returns: the webob response; ``.json`` is its parsed body."""
        all_headers = {}
        if token is not None:
            all_headers['X-Auth-Token'] = token
        if version is not None:
            all_headers['OpenStack-API-Version'] = 'compute %s' % version
        all_headers.update(headers or {})
        req = webob.Request.blank(path, method=method, headers=all_headers)
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            req.body = body
            if content_type:
                req.content_type = content_type
        return req.get_response(self.app)

    def admin(self, path, **kw):
        kw.setdefault('token', 'admin:%s' % PROJECT)
        return self.request(path, **kw)


def make_request(path='/', version='2.1', context=None, method='GET'):
    """A bare request for calling a controller method directly."""
    from nova_lite.api.openstack import api_version_request
    from nova_lite.api.openstack import wsgi
    req = wsgi.Request.blank(path, method=method)
    req.api_version_request = api_version_request.APIVersionRequest(version)
    if context is not None:
        req.environ['nova.context'] = context
    return req
