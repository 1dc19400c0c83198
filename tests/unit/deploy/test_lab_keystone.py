"""tools/lab with Keystone (``tools/lab up --keystone FILE``): the
controller's options and the token of the lab's own API calls."""

import http.server
import json
import os
import sys
import threading

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
AUTHTOKEN = {'auth_url': 'http://127.0.0.1:5000/v3', 'auth_type': 'password',
             'username': 'nova', 'password': 'svc'}


@pytest.fixture
def lab_modules():
    sys.path.insert(0, os.path.join(REPO, 'tools'))
    try:
        from nova_lite_lab import hosts
        from nova_lite_lab import layout
        from nova_lite_lab import system
        from nova_lite_lab import up
        hosts._TOKENS.clear()
        yield hosts, layout, up, system
    finally:
        sys.path.remove(os.path.join(REPO, 'tools'))


def _admin(auth_url):
    return {'auth_url': auth_url, 'username': 'admin', 'password': 'pw',
            'project_name': 'admin', 'user_domain_id': 'default',
            'project_domain_id': 'default'}


def _lab(layout, tmp_path, keystone=None):
    lab = layout.Lab(str(tmp_path))
    lab.settings = {'computes': ['cpu1'], 'subnet': '10.233.0.0/24',
                    'db': 'mysql', 'virt_type': 'qemu',
                    'metadata_secret': 's', 'keystone': keystone}
    return lab


def test_controller_validates_tokens_with_keystone(lab_modules, tmp_path):
    hosts, layout, _, _ = lab_modules
    lab = _lab(layout, tmp_path, {'authtoken': AUTHTOKEN,
                                  'admin': _admin('http://k/v3')})
    conf = hosts.controller_conf(lab)
    assert conf['api'] == {'auth_strategy': 'keystone'}
    assert conf['keystone_authtoken'] == AUTHTOKEN
    # a compute validates nothing: the API and image service do
    assert 'keystone_authtoken' not in hosts.compute_conf(lab, 'cpu1')


def test_noauth_without_keystone(lab_modules, tmp_path):
    hosts, layout, _, _ = lab_modules
    lab = _lab(layout, tmp_path)
    conf = hosts.controller_conf(lab)
    assert conf['api'] == {'auth_strategy': 'noauth'}
    assert 'keystone_authtoken' not in conf
    assert hosts.admin_token(lab) == 'admin:admin'


class _Keystone(http.server.BaseHTTPRequestHandler):
    """POST /v3/auth/tokens: a token for admin/pw, 401 for anyone else."""

    requests = []

    def do_POST(self):
        body = json.loads(self.rfile.read(
            int(self.headers['Content-Length'])).decode())
        self.requests.append((self.path, body))
        user = body['auth']['identity']['password']['user']
        if (user['name'], user['password']) == ('admin', 'pw'):
            self.send_response(201)
            self.send_header('X-Subject-Token', 'tok-%d'
                             % len(self.requests))
        else:
            self.send_response(401)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'{}')

    def log_message(self, *args):
        pass


@pytest.fixture
def keystone_url():
    _Keystone.requests = []
    server = http.server.HTTPServer(('127.0.0.1', 0), _Keystone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d/v3' % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_admin_token_is_a_scoped_keystone_token(lab_modules, tmp_path,
                                                keystone_url):
    hosts, layout, _, _ = lab_modules
    lab = _lab(layout, tmp_path, {'authtoken': AUTHTOKEN,
                                  'admin': _admin(keystone_url)})
    assert hosts.admin_token(lab) == 'tok-1'
    assert hosts.admin_token(lab) == 'tok-1'     # one per process
    path, body = _Keystone.requests[0]
    assert path == '/v3/auth/tokens'
    assert body['auth']['scope'] == {'project': {
        'name': 'admin', 'domain': {'id': 'default'}}}
    assert len(_Keystone.requests) == 1


def test_admin_token_refused(lab_modules, tmp_path, keystone_url):
    hosts, layout, _, system = lab_modules
    admin = dict(_admin(keystone_url), password='wrong')
    lab = _lab(layout, tmp_path, {'authtoken': AUTHTOKEN, 'admin': admin})
    with pytest.raises(system.LabError, match='gave no token for admin'):
        hosts.admin_token(lab)


@pytest.mark.parametrize('content, message', [
    ('not json', 'Expecting value'),
    ('[]', 'missing: auth_url'),
    ('{"admin": {}}', 'missing: auth_url, username'),
    (json.dumps({'admin': _admin('http://k/v3')}), 'missing: authtoken'),
])
def test_read_keystone_refuses_a_bad_file(lab_modules, tmp_path, content,
                                          message):
    _, _, up, system = lab_modules
    path = tmp_path / 'keystone.json'
    path.write_text(content)
    with pytest.raises(system.LabError, match=message):
        up.read_keystone(str(path))


def test_read_keystone(lab_modules, tmp_path):
    _, _, up, _ = lab_modules
    keystone = {'authtoken': AUTHTOKEN, 'admin': _admin('http://k/v3')}
    path = tmp_path / 'keystone.json'
    path.write_text(json.dumps(keystone))
    assert up.read_keystone(str(path)) == keystone
    assert up.read_keystone(None) is None
