"""Disk transfer: an instance's files handed to another compute over HTTP.

The source host *offers* the files of one instance under a random one-time
token; the destination GETs each file with the token in the
``X-Transfer-Token`` header, writes it under a temporary name, checks its
size and sha256 and renames it into place. See docs/migrations.md,
"Disk transfer between compute hosts".

Wire protocol (HTTP/1.0, one request per connection)::

    GET /v1/offers/<offer id>/files/<name>    the file's bytes
    GET /v1/offers/<offer id>/digests/<name>  {"name", "size", "sha256"}
                                              of the bytes last sent

NOTE: the sha256 is computed by the source while it streams the file and
asked for after the body (the second request), so a multi-GB disk is read
once on each side instead of twice on the source. It proves that the
destination got what the source read; the token proves who may read.

The server is a plain socket server on ``threading`` threads: under the
compute's eventlet monkey patching they are green threads, elsewhere (unit
tests) native ones.
"""

import hashlib
import hmac
import http.client
import http.server
import json
import os
import secrets
import socket
import threading
import time
import urllib.parse
import uuid

from oslo_log import log as logging

from nova_lite import exception

LOG = logging.getLogger(__name__)

TOKEN_HEADER = 'X-Transfer-Token'
CHUNK_SIZE = 1024 * 1024
# NOTE: no byte for this long on a transfer means the peer is gone; a
# healthy one sends a chunk every few milliseconds.
SOCKET_TIMEOUT = 60
# How often the accept loop looks whether it was told to stop.
ACCEPT_POLL = 0.5
_PREFIX = '/v1/offers/'


class Offer:
    """Files of one instance that one token may read until it expires."""

    def __init__(self, instance_uuid, paths, expires_at, extra=None):
        """:param paths: {name: absolute path} of the offered files.

        :param extra: {name: dict} of facts told with a file (e.g. the
            image id of a cached base image).
        """
        self.id = uuid.uuid4().hex
        self.token = secrets.token_urlsafe(32)
        self.instance_uuid = instance_uuid
        self.paths = dict(paths)
        self.extra = dict(extra or {})
        self.expires_at = expires_at
        self.digests = {}

    def file_facts(self):
        facts = []
        for name, path in sorted(self.paths.items()):
            entry = {'name': name, 'size': os.path.getsize(path)}
            entry.update(self.extra.get(name) or {})
            facts.append(entry)
        return facts


class _Denied(Exception):
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Handler(http.server.BaseHTTPRequestHandler):
    """One request of a destination host; ``self.server`` is the
    :class:`DiskTransferServer`."""

    timeout = SOCKET_TIMEOUT
    server_version = 'nova-lite-disk-transfer'

    def log_message(self, fmt, *args):
        LOG.debug('Disk transfer %s: ' + fmt, self.client_address[0], *args)

    def _refuse(self, code, reason):
        LOG.warning('Disk transfer request %s from %s refused (%d): %s',
                    self.path, self.client_address[0], code, reason)
        body = json.dumps({'error': reason}).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        try:
            offer, kind, name = self.server.authorize(
                self.path, self.headers.get(TOKEN_HEADER))
        except _Denied as e:
            denied = e
        else:
            denied = None
        if denied is not None:
            # NOTE: outside the except block, so the log line does not
            # carry a traceback of an expected refusal.
            self._refuse(denied.code, denied.reason)
            return
        if kind == 'digests':
            self._send_digest(offer, name)
        else:
            self._send_file(offer, name)

    def _send_digest(self, offer, name):
        digest = offer.digests.get(name)
        if digest is None:
            self._refuse(404, 'file %s was not sent completely yet' % name)
            return
        body = json.dumps({'name': name, 'size': digest[0],
                           'sha256': digest[1]}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_file(self, offer, name):
        try:
            f = open(offer.paths[name], 'rb')
        except OSError as e:
            self._refuse(404, 'file %s cannot be read: %s' % (name, e))
            return
        with f:
            # NOTE: the size when the request came; a file that grows
            # meanwhile (a console log) is sent up to it.
            size = os.fstat(f.fileno()).st_size
            sha = hashlib.sha256()
            if size == 0:
                offer.digests[name] = (0, sha.hexdigest())
            self.send_response(200)
            self.send_header('Content-Type', 'application/octet-stream')
            self.send_header('Content-Length', str(size))
            self.end_headers()
            sent = 0
            started = time.monotonic()
            while sent < size:
                chunk = f.read(min(CHUNK_SIZE, size - sent))
                if not chunk:
                    # NOTE: the file shrank; closing short of
                    # Content-Length tells the client it failed.
                    LOG.error('Disk transfer of %s of instance %s: file '
                              'shrank to %d of %d bytes', name,
                              offer.instance_uuid, sent, size)
                    self.close_connection = True
                    return
                sha.update(chunk)
                if sent + len(chunk) == size:
                    # NOTE: recorded before the last bytes go out, so a
                    # client that got them all finds it when it asks.
                    offer.digests[name] = (size, sha.hexdigest())
                self.wfile.write(chunk)
                sent += len(chunk)
                # NOTE: a green thread gives the others a turn between
                # chunks (time.sleep is eventlet's under monkey patching).
                time.sleep(0)
        LOG.info('Disk transfer: sent %s of instance %s to %s (%d bytes, '
                 '%.2f s)', name, offer.instance_uuid, self.client_address[0],
                 size, time.monotonic() - started)


class DiskTransferServer:
    """Serves the offered files of this host's instances.

    :param host: address to listen on.
    :param port: TCP port; 0 picks a free one (see :attr:`port`).
    :param advertise: the address other hosts are told to connect to
        (defaults to ``host``).
    """

    def __init__(self, host, port, advertise=None, clock=time.monotonic):
        self.host = host
        self.port = port
        self.advertise = advertise or host
        self._clock = clock
        self._offers = {}
        self._lock = threading.Lock()
        self._socket = None
        self._thread = None
        self._stopped = threading.Event()

    @property
    def running(self):
        return self._socket is not None

    @property
    def url(self):
        """The base URL other hosts reach this server at."""
        addr = self.advertise
        if ':' in addr:
            addr = '[%s]' % addr
        return 'http://%s:%d' % (addr, self.port)

    def start(self):
        """Listen and serve on a thread of its own.

        :raises OSError: the address cannot be bound.
        """
        family = socket.AF_INET6 if ':' in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(64)
        except OSError:
            sock.close()
            raise
        sock.settimeout(ACCEPT_POLL)
        self.port = sock.getsockname()[1]
        self._socket = sock
        self._stopped.clear()
        self._thread = threading.Thread(target=self._serve,
                                        name='disk-transfer', daemon=True)
        self._thread.start()
        LOG.info('Disk transfer server listening on %s:%d (offers at %s)',
                 self.host, self.port, self.url)
        return self

    def stop(self):
        """Stop serving; offers are dropped."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(ACCEPT_POLL * 4)
        if self._socket is not None:
            self._socket.close()
        self._socket = self._thread = None
        with self._lock:
            self._offers.clear()

    def _serve(self):
        while not self._stopped.is_set():
            try:
                conn, addr = self._socket.accept()
            except socket.timeout:
                continue
            except OSError:
                if self._stopped.is_set():
                    return
                LOG.exception('Disk transfer server: accept failed')
                time.sleep(ACCEPT_POLL)
                continue
            threading.Thread(target=self._handle, args=(conn, addr),
                             daemon=True).start()

    def _handle(self, conn, addr):
        try:
            conn.settimeout(SOCKET_TIMEOUT)
            _Handler(conn, addr, self)
        except Exception:
            LOG.exception('Disk transfer request from %s failed', addr[0])
        finally:
            try:
                conn.close()
            except OSError:
                pass

    # ---- offers -------------------------------------------------------------

    def offer(self, instance_uuid, paths, ttl, extra=None):
        """Offer ``paths`` ({name: path}) of instance ``instance_uuid``
        for ``ttl`` seconds.

        :returns: the transfer facts a destination needs (``url``,
            ``token``, ``files``: [{``name``, ``size``, ...}],
            ``expires_in``), to travel in an RPC message.
        """
        offer = Offer(instance_uuid, paths, self._clock() + ttl, extra)
        facts = {'url': '%s%s%s' % (self.url, _PREFIX, offer.id),
                 'token': offer.token,
                 'files': offer.file_facts(),
                 'expires_in': ttl}
        with self._lock:
            self._offers[offer.id] = offer
        LOG.info('Offered %s of instance %s for %d s (offer %s)',
                 ', '.join(sorted(paths)), instance_uuid, ttl, offer.id)
        return facts

    def revoke(self, facts):
        """Drop the offer of ``facts`` (as :meth:`offer` returned them);
        one that is gone already is fine."""
        offer_id = facts['url'].rstrip('/').rsplit('/', 1)[-1]
        with self._lock:
            offer = self._offers.pop(offer_id, None)
        if offer is not None:
            LOG.info('Revoked offer %s of instance %s', offer_id,
                     offer.instance_uuid)

    def revoke_instance(self, instance_uuid):
        """Drop every offer of ``instance_uuid``. :returns: how many."""
        with self._lock:
            gone = [k for k, o in self._offers.items()
                    if o.instance_uuid == instance_uuid]
            for key in gone:
                del self._offers[key]
        if gone:
            LOG.info('Revoked %d offer(s) of instance %s', len(gone),
                     instance_uuid)
        return len(gone)

    def offers_of(self, instance_uuid):
        with self._lock:
            return [o for o in self._offers.values()
                    if o.instance_uuid == instance_uuid]

    def authorize(self, path, token):
        """:returns: (offer, ``files`` or ``digests``, file name) of a
            request for ``path`` with ``token``.

        :raises _Denied: 403 for a missing, wrong or expired token (or an
            unknown offer: not told apart, so ids cannot be probed), 404
            for a path or file the offer does not have.
        """
        parts = urllib.parse.urlsplit(path).path
        if not parts.startswith(_PREFIX):
            raise _Denied(404, 'no such resource')
        rest = parts[len(_PREFIX):].split('/', 2)
        if len(rest) != 3 or rest[1] not in ('files', 'digests'):
            raise _Denied(404, 'no such resource')
        offer_id, kind, quoted = rest
        with self._lock:
            offer = self._offers.get(offer_id)
        # NOTE: compared in constant time, so the answer's timing tells
        # nothing about how much of a guess was right.
        if (offer is None or not token or
                not hmac.compare_digest(offer.token.encode(),
                                        token.encode())):
            raise _Denied(403, 'invalid transfer token')
        if self._clock() >= offer.expires_at:
            with self._lock:
                self._offers.pop(offer_id, None)
            raise _Denied(403, 'transfer token expired')
        name = urllib.parse.unquote(quoted)
        if name not in offer.paths:
            raise _Denied(404, 'file %s is not offered' % name)
        return offer, kind, name


# ---- the destination's side -------------------------------------------------

def _request(url, token, timeout):
    """GET ``url`` with the token. :returns: (connection, response)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80,
                                      timeout=timeout)
    target = parts.path + ('?' + parts.query if parts.query else '')
    conn.request('GET', target, headers={TOKEN_HEADER: token})
    return conn, conn.getresponse()


def _http_error(response):
    try:
        detail = json.loads(response.read(4096) or b'{}').get('error')
    except ValueError:
        detail = None
    return 'HTTP %d %s%s' % (response.status, response.reason,
                             ': %s' % detail if detail else '')


def fetch_file(transfer, name, dst_path, instance_uuid,
               timeout=SOCKET_TIMEOUT):
    """Copy file ``name`` of the offer ``transfer`` to ``dst_path``.

    The bytes go to ``dst_path.part`` first and are renamed into place
    only once their size and sha256 match what the source sent; on any
    error nothing is left at either path.

    :param transfer: the facts :meth:`DiskTransferServer.offer` returned.
    :returns: (size, sha256) of the file.
    :raises DiskTransferError: connection refused or lost, HTTP error
        (wrong or expired token, file not offered), timeout, short read,
        checksum mismatch.
    """
    base = transfer['url'].rstrip('/')
    quoted = urllib.parse.quote(name, safe='')
    source = '%s (%s)' % (base, name)

    def fail(reason):
        return exception.DiskTransferError(instance_uuid=instance_uuid,
                                           source=source, reason=reason)

    tmp = dst_path + '.part'
    started = time.monotonic()
    try:
        conn, response = _request('%s/files/%s' % (base, quoted),
                                  transfer['token'], timeout)
        try:
            if response.status != 200:
                raise fail(_http_error(response))
            expected = int(response.getheader('Content-Length', -1))
            sha = hashlib.sha256()
            size = 0
            with open(tmp, 'wb') as f:
                while True:
                    chunk = response.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    sha.update(chunk)
                    f.write(chunk)
                    size += len(chunk)
                    # NOTE: data that keeps arriving never blocks a green
                    # socket, so without this the copy would hold the
                    # compute's other green threads (RPC, heartbeats).
                    time.sleep(0)
        finally:
            conn.close()
        if size != expected:
            raise fail('short read: %d of %d bytes' % (size, expected))
        conn, response = _request('%s/digests/%s' % (base, quoted),
                                  transfer['token'], timeout)
        try:
            if response.status != 200:
                raise fail('no checksum from the source: %s'
                           % _http_error(response))
            digest = json.loads(response.read())
        finally:
            conn.close()
        if digest.get('size') != size or not hmac.compare_digest(
                str(digest.get('sha256')), sha.hexdigest()):
            raise fail('checksum mismatch: got %d bytes with sha256 %s, '
                       'the source sent %s bytes with sha256 %s'
                       % (size, sha.hexdigest(), digest.get('size'),
                          digest.get('sha256')))
        os.replace(tmp, dst_path)
    except exception.DiskTransferError:
        _remove(tmp)
        raise
    except ConnectionRefusedError as e:
        _remove(tmp)
        raise fail('connection refused (%s)' % e) from e
    except (socket.timeout, TimeoutError) as e:
        _remove(tmp)
        raise fail('timed out after %s s without data' % timeout) from e
    except (OSError, http.client.HTTPException, ValueError) as e:
        _remove(tmp)
        raise fail('%s: %s' % (type(e).__name__, e)) from e
    LOG.info('Fetched %s of instance %s from %s (%d bytes in %.2f s)',
             name, instance_uuid, base, size, time.monotonic() - started)
    return size, sha.hexdigest()


def fetch_files(transfer, dst_dir, instance_uuid, names=None):
    """Copy the offered files (``names``, default all) into ``dst_dir``
    under their own names.

    :returns: the names copied.
    :raises DiskTransferError: see :func:`fetch_file`; the files copied
        before the failure are left for the caller to remove.
    """
    offered = [entry['name'] for entry in transfer['files']]
    wanted = offered if names is None else [n for n in offered
                                            if n in names]
    for name in wanted:
        if '/' in name or name in ('.', '..'):
            raise exception.DiskTransferError(
                instance_uuid=instance_uuid, source=transfer['url'],
                reason='refusing the file name %r' % name)
        fetch_file(transfer, name, os.path.join(dst_dir, name),
                   instance_uuid)
    return wanted


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
