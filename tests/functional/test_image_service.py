"""nova-lite-image as a real process: create, upload and download a few
MiB over HTTP, with the checksums checked on both sides; and
nova-lite-manage's image commands registering images through its API."""

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
    """The base URL of a running nova-lite-image on a fresh database of
    its own: its configuration names no nova-lite database."""
    port = _free_port()
    config = tmp_path / 'nova-lite.conf'
    config.write_text(
        '[DEFAULT]\nstate_path = %s\n\n'
        '[image_service]\nbind_host = 127.0.0.1\nbind_port = %d\n'
        'database_connection = sqlite:///%s\n'
        % (tmp_path / 'state', port, tmp_path / 'nova-lite-image.sqlite'))
    subprocess.run(_script('manage') + ['--config-file', str(config),
                                        'image_db', 'sync'],
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


def _manage(config, *args, timeout=120):
    """Run nova-lite-manage to the end: (exit code, stdout, stderr)."""
    proc = subprocess.run(_script('manage') + ['--config-file', str(config)]
                          + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=_env(), timeout=timeout, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_manage_imports_through_the_api(image_service, tmp_path):
    """``nova-lite-manage image import`` and ``import-test-guest`` against
    the real service: [glance] api_servers is unset in the config, so the
    commands use the image service of this host (bind_host:bind_port).

    NOTE: import-test-guest builds the test guest first when it is not
    built (in $NOVA_LITE_TEST_GUEST_DIR, else ~/.nova-lite/test-guest), which
    downloads two Debian packages once.
    """
    url, store_path = image_service
    config = tmp_path / 'nova-lite.conf'
    headers = {'X-Auth-Token': 'someone:elsewhere'}

    code, out, err = _manage(config, 'image', 'import-test-guest',
                             timeout=1800)
    assert code == 0, err
    image_id = out.splitlines()[-1]
    image = requests.get(url + '/v2/images/' + image_id, headers=headers,
                         timeout=30).json()
    assert (image['name'], image['status'], image['visibility'],
            image['disk_format']) == ('nova-lite-test-guest', 'active',
                                      'public', 'qcow2')
    for role, fmt in (('kernel_id', 'aki'), ('ramdisk_id', 'ari')):
        part = requests.get(url + '/v2/images/' + image[role],
                            headers=headers, timeout=30).json()
        assert (part['status'], part['disk_format'],
                part['container_format']) == ('active', fmt, fmt)
        assert (store_path / part['id']).stat().st_size == part['size']

    # Again: the same images are found, nothing is uploaded.
    code, out, err = _manage(config, 'image', 'import-test-guest')
    assert code == 0, err
    assert out.splitlines()[-1] == image_id
    listed = requests.get(url + '/v2/images', headers=headers,
                          timeout=30).json()['images']
    assert len(listed) == 3

    blob = tmp_path / 'blob.raw'
    blob.write_bytes(os.urandom(200 * 1024))
    args = ('image', 'import', str(blob), '--name', 'blob', '--disk-format',
            'raw', '--property', 'hw_disk_bus=virtio', '--public')
    code, out, err = _manage(config, *args)
    assert code == 0, err
    blob_id = out.splitlines()[-1]
    shown = requests.get(url + '/v2/images/' + blob_id, headers=headers,
                         timeout=30).json()
    assert shown['size'] == 200 * 1024
    assert shown['os_hash_value'] == hashlib.sha512(
        blob.read_bytes()).hexdigest()
    assert shown['hw_disk_bus'] == 'virtio'
    assert _manage(config, *args)[1].splitlines()[-1] == blob_id

    code, out, err = _manage(config, 'image', 'list')
    assert code == 0, err
    # NOTE: log lines may share stdout; the listing's lines end with a name.
    listed = {line.split()[0] for line in out.splitlines()
              if line.split()[1:2] == ['active']}
    assert listed == {image_id, image['kernel_id'], image['ramdisk_id'],
                      blob_id}
