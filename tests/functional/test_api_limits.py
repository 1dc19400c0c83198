"""Idle and slow clients cannot starve the HTTP services: a crowd of idle
connections as large as the connection pool does not keep a real client
waiting, and a connection that stays silent (idle, or stalled in the
middle of a request) is closed after ``[wsgi] client_socket_timeout``.

NOTE: its own nova-lite-all, with a small pool and a short timeout, so
that the crowd and the wait stay small.
"""

import socket
import time

import pytest
import requests

from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

POOL = 40
TIMEOUT = 2


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'api-limits'),
            conf={'wsgi': {'default_pool_size': POOL,
                           'client_socket_timeout': TIMEOUT}})) as cloud:
        yield cloud


def _address(url):
    host_port = url.split('//', 1)[1].split('/', 1)[0]
    host, port = host_port.rsplit(':', 1)
    return host, int(port)


def _closed_by_server(sock, wait):
    """Whether the server closes ``sock`` within ``wait`` seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(1024) == b''
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.parametrize('service', ['compute', 'image'])
def test_idle_crowd_does_not_lock_out_a_client(cloud, service):
    url = (cloud.endpoint + '/servers' if service == 'compute'
           else cloud.image_endpoint + '/v2/images')
    crowd = [socket.create_connection(_address(url))
             for _ in range(POOL * 2)]
    try:
        time.sleep(0.5)
        started = time.monotonic()
        response = requests.get(url, headers={'X-Auth-Token': 'demo:demo'},
                                timeout=TIMEOUT * 10)
        assert response.status_code == 200, response.text
        # NOTE: well before the idle ones time out: room was made.
        assert time.monotonic() - started < TIMEOUT / 2, \
            time.monotonic() - started
    finally:
        for sock in crowd:
            sock.close()


def test_idle_connection_is_closed_after_the_timeout(cloud):
    sock = socket.create_connection(_address(cloud.endpoint))
    try:
        assert _closed_by_server(sock, TIMEOUT * 5)
    finally:
        sock.close()


def test_idle_keep_alive_connection_is_closed_after_the_timeout(cloud):
    host, port = _address(cloud.endpoint)
    sock = socket.create_connection((host, port))
    try:
        sock.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        sock.settimeout(10)
        assert sock.recv(65536).startswith(b'HTTP/1.1 200')
        assert _closed_by_server(sock, TIMEOUT * 5)
    finally:
        sock.close()


def test_stalled_request_is_cut_off(cloud):
    # NOTE: a request line and half the headers, then nothing.
    sock = socket.create_connection(_address(cloud.endpoint))
    try:
        sock.sendall(b'GET /v2.1/servers HTTP/1.1\r\nHost: x\r\nX-A')
        started = time.monotonic()
        assert _closed_by_server(sock, TIMEOUT * 5)
        assert time.monotonic() - started >= TIMEOUT * 0.8
    finally:
        sock.close()
