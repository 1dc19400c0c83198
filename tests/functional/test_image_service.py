"""nova-lite-image as a real process: create, upload and download a few
MiB over HTTP, with the checksums checked on both sides."""

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

START_TIMEOUT = 60
STOP_TIMEOUT = 10
CHUNK = 64 * 1024


def _script(module):
    return [sys.executable, '-c',
            'import sys; from nova_lite.cmd.%s import main; sys.exit(main())'
            % module]


def _env():
    env = dict(os.environ)
    env['PYTHONUNBUFFERED'] = '1'
    # NOTE: a real service runs monkey patched, whatever the unit tests do.
    env.pop('NOVA_LITE_NO_MONKEY_PATCH', None)
    return env


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture
def image_service(tmp_path):
    """The base URL of a running nova-lite-image on a fresh database."""
    port = _free_port()
    config = tmp_path / 'nova-lite.conf'
    config.write_text(
        '[DEFAULT]\nstate_path = %s\n\n'
        '[database]\nconnection = sqlite:///%s\n\n'
        '[image_service]\nbind_host = 127.0.0.1\nbind_port = %d\n'
        % (tmp_path / 'state', tmp_path / 'nova-lite.sqlite', port))
    subprocess.run(_script('manage') + ['--config-file', str(config),
                                        'db', 'sync'],
                   check=True, env=_env(), timeout=120,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log_path = tmp_path / 'nova-lite-image.log'
    with open(log_path, 'wb') as log:
        proc = subprocess.Popen(_script('image') + ['--config-file',
                                                    str(config)],
                                stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=_env())
    url = 'http://127.0.0.1:%d' % port
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail('nova-lite-image exited with %s:\n%s'
                            % (proc.returncode, log_path.read_text()))
            try:
                if requests.get(url + '/', timeout=2).status_code == 300:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail('nova-lite-image did not answer within %ss:\n%s'
                            % (START_TIMEOUT, log_path.read_text()))
            time.sleep(0.2)
        yield url, tmp_path / 'state' / 'images'
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT)


def _chunks(data):
    for start in range(0, len(data), CHUNK):
        yield data[start:start + CHUNK]


def _round_trip(url, headers, data, body):
    created = requests.post(url + '/v2/images', headers=headers, timeout=30,
                            json={'name': 'blob', 'disk_format': 'raw',
                                  'container_format': 'bare',
                                  'hw_disk_bus': 'virtio'})
    assert created.status_code == 201, created.text
    image = created.json()
    assert image['status'] == 'queued'
    uploaded = requests.put(
        url + image['file'], data=body, timeout=60,
        headers=dict(headers, **{'Content-Type': 'application/octet-stream'}))
    assert uploaded.status_code == 204, uploaded.text

    shown = requests.get(url + image['self'], headers=headers,
                         timeout=30).json()
    assert shown['status'] == 'active'
    assert shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_algo'] == 'sha512'
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    assert shown['hw_disk_bus'] == 'virtio'

    md5, sha512, size = hashlib.md5(), hashlib.sha512(), 0
    with requests.get(url + image['file'], headers=headers, stream=True,
                      timeout=60) as download:
        assert download.status_code == 200
        assert download.headers['Content-MD5'] == shown['checksum']
        assert int(download.headers['Content-Length']) == len(data)
        for chunk in download.iter_content(CHUNK):
            md5.update(chunk)
            sha512.update(chunk)
            size += len(chunk)
    assert size == len(data)
    assert md5.hexdigest() == shown['checksum']
    assert sha512.hexdigest() == shown['os_hash_value']
    return shown


def test_upload_download_round_trip(image_service, tmp_path):
    url, store_path = image_service
    headers = {'X-Auth-Token': 'demo:demo-project'}
    data = os.urandom(3 * 1024 * 1024 + 4321)

    # With Content-Length, from a file ...
    path = tmp_path / 'blob'
    path.write_bytes(data)
    with open(path, 'rb') as body:
        first = _round_trip(url, headers, data, body)
    # ... and chunked, with no length declared.
    second = _round_trip(url, headers, data, _chunks(data))
    assert (store_path / first['id']).stat().st_size == len(data)

    listed = requests.get(url + '/v2/images?status=active', headers=headers,
                          timeout=30).json()
    listed_ids = {i['id'] for i in listed['images']}
    assert listed_ids == {first['id'], second['id']}
    again = requests.put(
        url + first['file'], data=b'x', timeout=30,
        headers=dict(headers, **{'Content-Type': 'application/octet-stream'}))
    assert again.status_code == 409
    other = requests.get(url + first['self'], timeout=30,
                         headers={'X-Auth-Token': 'other:other-project'})
    assert other.status_code == 404
    assert other.headers['x-openstack-request-id'].startswith('req-')

    deleted = requests.delete(url + first['self'], headers=headers,
                              timeout=30)
    assert deleted.status_code == 204
    assert not (store_path / first['id']).exists()
