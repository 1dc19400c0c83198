"""Small helpers shared by every service, and the one door to eventlet."""

import functools
import hashlib
import hmac
import os
import socket
import subprocess
import time

import eventlet
import eventlet.semaphore
import greenlet
from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_utils import encodeutils
from oslo_utils import uuidutils

from nova_lite import exception

LOG = logging.getLogger(__name__)


def spawn(func, *args, **kwargs):
    """Run ``func`` in a green thread; its errors are logged, not lost."""

    @functools.wraps(func)
    def _logged(*a, **kw):
        try:
            return func(*a, **kw)
        except Exception:
            LOG.exception('Unhandled error in %s', func.__name__)
            raise

    return eventlet.spawn(_logged, *args, **kwargs)


def spawn_n(func, *args, **kwargs):
    spawn(func, *args, **kwargs)


def tpool_execute(func, *args, **kwargs):
    """Run ``func`` in a native thread; the calling green thread waits
    while the others go on. :returns: what ``func`` returns (or raises).

    NOTE: for a C call that blocks for long (a libvirt live migration):
    in a green thread it would stall every other one of the process.
    """
    import eventlet.tpool
    return eventlet.tpool.execute(func, *args, **kwargs)


def tpool_proxy(obj, autowrap=()):
    """``obj`` whose method calls run in native threads, as
    :func:`tpool_execute` does; what they return of a type in
    ``autowrap`` is proxied too.

    NOTE: only where eventlet has greened the process: a libvirt call
    (a managed save, a disk copy, a lookup on a busy libvirtd) would
    otherwise freeze every green thread, RPC handlers and the service's
    heartbeat included. Native threads need no proxy.
    """
    import eventlet.patcher
    if not eventlet.patcher.is_monkey_patched('thread'):
        return obj
    import eventlet.tpool
    if isinstance(obj, eventlet.tpool.Proxy):
        return obj
    return eventlet.tpool.Proxy(obj, autowrap=tuple(autowrap))


def sleep(seconds):
    eventlet.sleep(seconds)


def semaphore(count):
    """A counting semaphore; a count of 0 means unlimited."""
    if count <= 0:
        return _Unbounded()
    return eventlet.semaphore.Semaphore(count)


class _Unbounded:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def synchronized(name, fair=True):
    """Decorator: calls sharing ``name`` run one at a time in this
    process (oslo.concurrency's internal lock of that name).

    NOTE: fair by default: callers queued on an instance's lock (a
    build, then a delete) get it in the order they asked.
    """
    return lockutils.synchronized(name, fair=fair)


def named_lock(name, fair=True):
    """A context manager holding the process-internal lock ``name``.

    NOTE: oslo.concurrency keeps its locks in a weak-valued table, so a
    lock per instance uuid lives only while someone holds or waits for
    it: the table does not grow with every instance the process saw.
    """
    return lockutils.lock(name, fair=fair)


def generate_uuid():
    return uuidutils.generate_uuid()


def metadata_signature(secret, instance_id):
    """The ``X-Instance-ID-Signature`` of a metadata request.

    The metadata proxy signs the id of the instance it forwards a request
    for; nova-lite-metadata computes the same and compares (Nova's and
    Neutron's scheme, so either end may be the real one).

    :param secret: ``[metadata] metadata_proxy_shared_secret`` (str or
        bytes; the empty secret is a valid, if weak, key).
    :param instance_id: the instance's uuid, as sent in ``X-Instance-ID``.
    :returns: the HMAC-SHA256 of ``instance_id`` keyed with ``secret``,
        as lowercase hex.
    """
    return hmac.new(encodeutils.to_utf8(secret or ''),
                    encodeutils.to_utf8(instance_id),
                    hashlib.sha256).hexdigest()


# NOTE: under eventlet's monkey patching a green Popen raises the
# TimeoutExpired of eventlet's own copy of subprocess.
_TIMEOUT_ERRORS = (subprocess.TimeoutExpired,
                   eventlet.patcher.original('subprocess').TimeoutExpired)


def execute(cmd, timeout, ok_errors=(), input=None):
    """Run the command ``cmd`` (a list) to completion; text output.

    :param ok_errors: texts of stderr that make a non-zero exit count as
        done (another process did it first); the caller sees its code.
    :param input: text for the command's standard input.
    :returns: the ``subprocess.CompletedProcess``.
    :raises InternalError: the command is missing, outlived ``timeout``
        seconds, or failed with none of ``ok_errors``.
    """
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                timeout=timeout, input=input)
    except (OSError,) + _TIMEOUT_ERRORS as error:
        raise exception.InternalError(
            err='%s failed: %s' % (' '.join(cmd), error)) from error
    if result.returncode != 0 and not any(text in result.stderr
                                          for text in ok_errors):
        raise exception.InternalError(
            err='%s failed (exit %d): %s' % (' '.join(cmd), result.returncode,
                                             result.stderr.strip()))
    return result


def ensure_tree(path):
    os.makedirs(path, exist_ok=True)
    return path


class WSGIServer:
    """Serves a WSGI app with eventlet.wsgi on its own green thread.

    Two limits keep idle and slow clients from starving the others: a
    connection silent for ``[wsgi] client_socket_timeout`` seconds (idle
    between requests, or stalled while sending one or reading an answer) is
    closed; and when all ``pool_size`` connections are taken, the oldest
    one idle between requests is closed to make room for the newcomer.

    :param name: what the log calls the server.
    :param app: the WSGI application.
    :param host, port: where to listen (port 0: any free one).
    :param pool_size: connections served at once; ``[wsgi]
        default_pool_size`` when None.
    :param refusal: ``refusal(status, explanation)`` returns the
        ``webob.Response`` for a request the server refuses before the
        app sees it (a header line over ``[wsgi] max_header_line``, a
        request line it cannot parse), so that the answer is worded as
        the app words its errors; webob's plain error page when None.
    """

    def __init__(self, name, app, host, port, pool_size=None, refusal=None):
        import eventlet.wsgi
        from nova_lite import conf
        wsgi_conf = conf.CONF.wsgi
        self.name = name
        self.app = app
        self._socket = eventlet.listen((host, port), backlog=1024)
        self.host, self.port = self._socket.getsockname()[:2]
        self._pool = _ConnectionPool(pool_size or wsgi_conf.default_pool_size)
        self._wsgi = eventlet.wsgi
        # NOTE: eventlet reads its header line limit from the module, for
        # every server of the process, as Nova sets it too.
        eventlet.wsgi.MAX_HEADER_LINE = wsgi_conf.max_header_line
        self._socket_timeout = wsgi_conf.client_socket_timeout or None
        self._protocol = _http_protocol(refusal or _webob_refusal)
        self._thread = None

    def start(self):
        self._thread = eventlet.spawn(
            self._wsgi.server, self._socket, self.app,
            custom_pool=self._pool, protocol=self._protocol, log=_WSGILog(),
            log_output=True, socket_timeout=self._socket_timeout,
            # NOTE: debug=False keeps tracebacks off the wire and the
            # per-connection "accepted" lines out of the log.
            debug=False)
        return self

    def stop(self):
        if self._thread is not None:
            self._thread.kill()
        self._socket.close()

    def wait(self):
        """Until the server stopped (:meth:`stop` kills its accept loop)."""
        if self._thread is not None:
            try:
                self._thread.wait()
            except (Exception, greenlet.GreenletExit):
                pass


class _ConnectionPool(eventlet.GreenPool):
    """The green threads of a server's client connections; when all are
    taken, a new connection first closes the oldest idle one.

    NOTE: eventlet.wsgi spawns one green thread per connection and hands
    it the connection as ``[address, socket, state]``; the state is
    ``idle`` while it waits for a request (a fresh connection included),
    so only a client between requests loses its connection, and an HTTP
    client reconnects for its next one.
    """

    def __init__(self, size):
        super().__init__(size)
        self._connections = {}
        self._full = False

    def spawn(self, function, *args, **kwargs):
        if self.free() == 0:
            self._close_oldest_idle()
        else:
            self._full = False
        thread = super().spawn(function, *args, **kwargs)
        connection = args[0] if args else None
        if isinstance(connection, list) and len(connection) == 3:
            key = id(connection)
            self._connections[key] = connection
            thread.link(lambda _thread: self._connections.pop(key, None))
        return thread

    def _close_oldest_idle(self):
        import eventlet.greenio
        import eventlet.wsgi
        # NOTE: dicts keep insertion order: the first idle is the oldest.
        for key, (address, sock, state) in list(self._connections.items()):
            if state == eventlet.wsgi.STATE_IDLE:
                del self._connections[key]
                # NOTE: once per time the pool fills, not per connection:
                # a crowd of idle clients would flood the log.
                if not self._full:
                    LOG.warning('All %d connections are taken: closing the '
                                'oldest idle ones for new clients (first: '
                                '%s)', self.size, address)
                self._full = True
                eventlet.greenio.shutdown_safe(sock)
                return


# NOTE: how long a server reads what a client still sends after an answer
# that closes the connection (see _http_protocol).
LINGER_SECONDS = 2


def _webob_refusal(status, explanation):
    import webob.exc
    error = webob.exc.status_map.get(status, webob.exc.HTTPBadRequest)
    return error(explanation=explanation)


def _http_protocol(refusal):
    """eventlet.wsgi's protocol class, answering the requests it refuses
    by itself with ``refusal``'s response (eventlet sends an empty 400,
    http.server an HTML page); and closing the connection after an answer
    the app marked ``Connection: close`` rather than reading the rest of a
    request body nobody will use."""
    import eventlet.wsgi
    import webob

    class HttpProtocol(eventlet.wsgi.HttpProtocol):

        def parse_request(self):
            try:
                return super().parse_request()
            except eventlet.wsgi.HeaderLineTooLong:
                self.send_error(400, explain='A header line is longer than '
                                '%d bytes.' % eventlet.wsgi.MAX_HEADER_LINE)
            except eventlet.wsgi.HeadersTooLarge:
                self.send_error(400, explain='The headers are longer than '
                                '%d bytes in all.'
                                % eventlet.wsgi.MAX_TOTAL_HEADER_SIZE)
            return False

        def send_error(self, code, message=None, explain=None):
            explanation = explain or message or self.responses.get(
                code, ('',))[0]
            response = webob.Request.blank('/').get_response(
                refusal(code, explanation))
            head = ['%s %s' % (self.protocol_version, response.status)]
            head += ['%s: %s' % (name, value)
                     for name, value in response.headerlist
                     if name.lower() != 'connection']
            head += ['Connection: close', '', '']
            self.close_connection = 1
            LOG.info('%s refused "%s": %d %s', self.client_address[0],
                     (self.raw_requestline or b'')[:200].decode(
                         'latin-1').rstrip(), code, explanation)
            try:
                self.wfile.write('\r\n'.join(head).encode('latin-1') +
                                 response.body)
                self.wfile.flush()
            except OSError:
                pass

        def handle_one_response(self):
            app = self.application
            closed = []

            def closing(environ, start_response):
                def start(status, headers, exc_info=None):
                    if any(name.lower() == 'connection' and
                           value.lower() == 'close'
                           for name, value in headers):
                        # NOTE: eventlet then sends its own "Connection:
                        # close" and skips reading the rest of the body.
                        self.close_connection = 1
                        closed.append(True)
                        headers = [(name, value) for name, value in headers
                                   if name.lower() != 'connection']
                    return start_response(status, headers, exc_info)
                return app(environ, start)

            self.application = closing
            try:
                super().handle_one_response()
            finally:
                self.application = app
            if closed:
                self._linger()

        def _linger(self):
            # NOTE: closing a socket with unread data resets it, and a
            # client still sending its body could lose the answer with
            # it; so, as web servers do, stop writing and take what
            # arrives for a moment (not the whole body: LINGER_SECONDS).
            sock = self.connection
            deadline = time.monotonic() + LINGER_SECONDS
            try:
                sock.shutdown(socket.SHUT_WR)
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return
                    sock.settimeout(left)
                    if not sock.recv(65536):
                        return
            except OSError:
                pass

    return HttpProtocol


class _WSGILog:
    """eventlet.wsgi access log lines go to oslo.log at INFO."""

    def write(self, message):
        LOG.info(message.rstrip())
