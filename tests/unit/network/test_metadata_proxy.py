"""network/metadata_proxy: a network's metadata proxy as a WSGI app, on a
real sqlite database, forwarding to a tiny local HTTP server that stands
for nova-lite-metadata."""

import hashlib
import hmac
import http.client
import json
import socket
import subprocess
import sys
from unittest import mock

import pytest
import webob

from nova_lite.db import instance_api as db_api
from nova_lite.network import api as network_api
from nova_lite.network import metadata_proxy
from nova_lite import objects
from nova_lite import utils

SECRET = 'proxy-secret'
VM = '00000000-0000-4000-8000-000000000001'
OTHER_VM = '00000000-0000-4000-8000-000000000002'
GHOST = '00000000-0000-4000-8000-000000000003'


# NOTE: the service runs in a process of its own: a thread here would
# turn green once another test module imported nova_lite.cmd (which
# monkey-patches), and its server loop would then never yield.
SERVER = r"""
import http.server, json, sys

log_path, reply_path = sys.argv[1:3]


class Handler(http.server.BaseHTTPRequestHandler):
    def _serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        with open(log_path, 'a') as f:
            f.write(json.dumps(dict(
                method=self.command, path=self.path,
                headers=list(self.headers.items()),
                body=body.decode('latin-1') if body is not None
                else None)) + '\n')
        with open(reply_path) as f:
            status, headers, text = json.load(f)
        data = text.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class Headers:
    """The headers of a recorded request, by case-insensitive name."""

    def __init__(self, pairs):
        self.pairs = pairs

    def get_all(self, name):
        values = [v for k, v in self.pairs if k.lower() == name.lower()]
        return values or None

    def __getitem__(self, name):
        return self.get_all(name)[0]

    def __contains__(self, name):
        return self.get_all(name) is not None


class MetadataService:
    """nova-lite-metadata: records each request, answers ``reply``."""

    def __init__(self, directory):
        self.log = str(directory / 'requests.jsonl')
        self.reply_file = str(directory / 'reply.json')
        script = directory / 'server.py'
        script.write_text(SERVER)
        self.reset()
        self.process = subprocess.Popen(
            [sys.executable, str(script), self.log, self.reply_file],
            stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())

    def reset(self):
        with open(self.log, 'w'):
            pass
        self.reply = (200, [('Content-Type', 'application/json')],
                      '{"uuid": "x"}')

    @property
    def reply(self):
        with open(self.reply_file) as f:
            return json.load(f)

    @reply.setter
    def reply(self, value):
        with open(self.reply_file, 'w') as f:
            json.dump(value, f)

    @property
    def requests(self):
        with open(self.log) as f:
            entries = [json.loads(line) for line in f]
        for entry in entries:
            entry['headers'] = Headers(entry['headers'])
            if entry['body'] is not None:
                entry['body'] = entry['body'].encode('latin-1')
        return entries

    def close(self):
        self.process.terminate()
        self.process.wait()
        self.process.stdout.close()


@pytest.fixture(scope='module')
def metadata_service(tmp_path_factory):
    server = MetadataService(tmp_path_factory.mktemp('metadata'))
    yield server
    server.close()


@pytest.fixture
def service(metadata_service, flags):
    metadata_service.reset()
    flags(nova_metadata_host='127.0.0.1',
          nova_metadata_port=metadata_service.port,
          metadata_proxy_shared_secret=SECRET, group='metadata')
    return metadata_service


@pytest.fixture
def nets(database, admin_ctxt):
    """Two networks; VM holds 192.0.2.10 on the first, OTHER_VM
    198.51.100.10 on the second, GHOST (no instance record) 192.0.2.11
    on the first."""
    api = network_api.API(notify_network_host=False)
    one = api.create(admin_ctxt, 'one', '192.0.2.0/24')
    two = api.create(admin_ctxt, 'two', '198.51.100.0/24')
    for uuid, project in ((VM, 'project-1'), (OTHER_VM, 'project-2')):
        db_api.instance_create({'uuid': uuid, 'user_id': 'user-1',
                                'project_id': project,
                                'vm_state': 'active'})
    for uuid, net, address in ((VM, one, '192.0.2.10'),
                               (OTHER_VM, two, '198.51.100.10'),
                               (GHOST, one, '192.0.2.11')):
        objects.VirtualInterface.allocate(admin_ctxt, uuid, net.id,
                                          address=address)
    return one, two


@pytest.fixture
def proxy(nets):
    one, _two = nets
    return metadata_proxy.MetadataProxy(one.id, one.uuid, one.gateway, 9697)


def _get(proxy, remote, path='/openstack/latest/meta_data.json',
         **kwargs):
    environ = {'REMOTE_ADDR': remote} if remote is not None else {}
    request = webob.Request.blank(path, environ=environ, **kwargs)
    return request.get_response(proxy)


# ---- who asks --------------------------------------------------------------

@pytest.mark.parametrize('remote', [
    '192.0.2.99',
    # NOTE: OTHER_VM's address, but on the other network.
    '198.51.100.10',
    # NOTE: held by an instance that has no record (any more).
    '192.0.2.11',
    '127.0.0.1',
    None,
])
def test_unknown_source_address_is_404(proxy, service, remote):
    response = _get(proxy, remote)
    assert response.status_int == 404
    assert response.content_type == 'text/plain'
    assert 'No instance has address' in response.text
    assert service.requests == []


# ---- what is forwarded -----------------------------------------------------

def test_forwarded_headers_identify_the_instance(proxy, service):
    response = _get(proxy, '192.0.2.10',
                    '/openstack/latest/meta_data.json?x=1&y=2',
                    headers={'Accept': 'application/json',
                             'User-Agent': 'cloud-init/23.1'})
    assert response.status_int == 200
    [request] = service.requests
    assert (request['method'], request['path']) == (
        'GET', '/openstack/latest/meta_data.json?x=1&y=2')
    headers = request['headers']
    assert headers['X-Instance-ID'] == VM
    assert headers['X-Tenant-ID'] == 'project-1'
    assert headers['X-Forwarded-For'] == '192.0.2.10'
    expected = hmac.new(SECRET.encode(), VM.encode(),
                        hashlib.sha256).hexdigest()
    assert headers['X-Instance-ID-Signature'] == expected
    assert expected == utils.metadata_signature(SECRET, VM)
    assert headers['Accept'] == 'application/json'
    assert headers['User-Agent'] == 'cloud-init/23.1'


@pytest.mark.parametrize('secret', ['', 'another secret'])
def test_signature_uses_the_shared_secret(proxy, service, flags, secret):
    flags(metadata_proxy_shared_secret=secret, group='metadata')
    _get(proxy, '192.0.2.10')
    assert service.requests[0]['headers']['X-Instance-ID-Signature'] == \
        hmac.new(secret.encode(), VM.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize('own_id', [None, VM])
def test_guests_identity_headers_are_not_forwarded(proxy, service, own_id):
    forged = {'X-Tenant-ID': 'project-2',
              'X-Instance-ID-Signature': utils.metadata_signature(
                  SECRET, OTHER_VM),
              'X-Forwarded-For': '198.51.100.10',
              'X-Real-IP': '198.51.100.10',
              'Cookie': 'session=1',
              'Authorization': 'Basic eDp5'}
    if own_id:
        forged['X-Instance-ID'] = own_id
    assert _get(proxy, '192.0.2.10', headers=forged).status_int == 200
    headers = service.requests[0]['headers']
    assert {name: headers.get_all(name) for name in (
        'X-Instance-ID', 'X-Tenant-ID', 'X-Instance-ID-Signature',
        'X-Forwarded-For', 'X-Real-IP', 'Cookie', 'Authorization')} == {
        'X-Instance-ID': [VM], 'X-Tenant-ID': ['project-1'],
        'X-Instance-ID-Signature': [utils.metadata_signature(SECRET, VM)],
        'X-Forwarded-For': ['192.0.2.10'], 'X-Real-IP': None,
        'Cookie': None, 'Authorization': None}


@pytest.mark.parametrize('claimed', [OTHER_VM, GHOST, ''])
def test_a_guest_claiming_another_instance_is_refused(proxy, service,
                                                      claimed):
    response = _get(proxy, '192.0.2.10',
                    headers={'X-Instance-ID': claimed,
                             'X-Instance-ID-Signature':
                                 utils.metadata_signature(SECRET, claimed)})
    assert response.status_int == 403
    assert 'only read its own metadata' in response.text
    assert service.requests == []


def test_a_post_body_is_forwarded(proxy, service):
    response = _get(proxy, '192.0.2.10', '/openstack/latest/password',
                    method='POST', body=b'encrypted-password',
                    content_type='text/plain')
    assert response.status_int == 200
    [request] = service.requests
    assert (request['method'], request['body']) == ('POST',
                                                    b'encrypted-password')
    assert request['headers']['Content-Type'] == 'text/plain'
    assert request['headers']['X-Instance-ID'] == VM


# ---- what is answered ------------------------------------------------------

@pytest.mark.parametrize('status, reason', [
    (200, 'OK'), (404, 'Not Found'), (403, 'Forbidden'),
    (500, 'Internal Server Error')])
def test_the_services_answer_is_relayed(proxy, service, status, reason):
    service.reply = (status, [('Content-Type', 'text/plain'),
                              ('X-Extra', 'kept')], 'the answer\n')
    response = _get(proxy, '192.0.2.10', '/latest/meta-data/hostname')
    assert response.status == '%d %s' % (status, reason)
    assert response.body == b'the answer\n'
    assert response.headers['Content-Type'] == 'text/plain'
    assert response.headers['X-Extra'] == 'kept'
    assert response.headers.getall('Content-Length') == ['11']


def test_hop_by_hop_headers_are_dropped(proxy, service):
    service.reply = (200, [('Connection', 'close'),
                           ('Keep-Alive', 'timeout=5')], 'x')
    response = _get(proxy, '192.0.2.10')
    assert 'Connection' not in response.headers
    assert 'Keep-Alive' not in response.headers


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_metadata_service_down_is_502(proxy, flags):
    flags(nova_metadata_host='127.0.0.1', nova_metadata_port=_closed_port(),
          group='metadata')
    response = _get(proxy, '192.0.2.10')
    assert response.status_int == 502
    assert 'The metadata service did not answer' in response.text


@pytest.mark.parametrize('error', [
    http.client.RemoteDisconnected('closed'),
    http.client.BadStatusLine('garbage'),
    TimeoutError('timed out'),
    ConnectionResetError(),
])
def test_metadata_service_failing_is_502(proxy, error):
    with mock.patch.object(metadata_proxy.MetadataProxy, '_forward',
                           side_effect=error):
        assert _get(proxy, '192.0.2.10').status_int == 502
