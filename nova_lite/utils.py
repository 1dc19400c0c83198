"""Small helpers shared by every service, and the one door to eventlet."""

import functools
import hashlib
import hmac
import os
import subprocess
import threading
import time

import eventlet
import eventlet.semaphore
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


class LockRegistry:
    """Named locks created on first use, e.g. one per instance uuid."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks = {}

    def get(self, name):
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())


_LOCKS = LockRegistry()


def synchronized(name):
    """Decorator: calls sharing ``name`` run one at a time in this process."""

    def wrap(func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            with _LOCKS.get(name):
                return func(*args, **kwargs)
        return inner
    return wrap


def named_lock(name):
    return _LOCKS.get(name)


class LoopingCall:
    """Call ``func`` every ``interval`` seconds on a green thread."""

    def __init__(self, func, interval, initial_delay=None):
        self.func = func
        self.interval = interval
        self.initial_delay = initial_delay
        self._stopped = False
        self._thread = None

    def start(self):
        self._thread = eventlet.spawn(self._run)
        return self

    def _run(self):
        if self.initial_delay:
            eventlet.sleep(self.initial_delay)
        while not self._stopped:
            started = time.monotonic()
            try:
                self.func()
            except Exception:
                LOG.exception('Periodic task %s failed', self.func.__name__)
            elapsed = time.monotonic() - started
            eventlet.sleep(max(0, self.interval - elapsed))

    def stop(self):
        self._stopped = True
        if self._thread is not None:
            self._thread.kill()


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
    """Serves a WSGI app with eventlet.wsgi on its own green thread."""

    def __init__(self, name, app, host, port, pool_size=1000):
        import eventlet.wsgi
        self.name = name
        self.app = app
        self._socket = eventlet.listen((host, port), backlog=1024)
        self.host, self.port = self._socket.getsockname()[:2]
        self._pool = eventlet.GreenPool(pool_size)
        self._wsgi = eventlet.wsgi
        self._thread = None

    def start(self):
        self._thread = eventlet.spawn(
            self._wsgi.server, self._socket, self.app,
            custom_pool=self._pool, log=_WSGILog(), log_output=True,
            socket_timeout=900,
            # NOTE: debug=False keeps tracebacks off the wire and the
            # per-connection "accepted" lines out of the log.
            debug=False)
        return self

    def stop(self):
        if self._thread is not None:
            self._thread.kill()
        self._socket.close()

    def wait(self):
        if self._thread is not None:
            try:
                self._thread.wait()
            except Exception:
                pass


class _WSGILog:
    """eventlet.wsgi access log lines go to oslo.log at INFO."""

    def write(self, message):
        LOG.info(message.rstrip())


def wait_forever():
    """Block the main green thread until the process is told to stop."""
    import eventlet.event
    eventlet.event.Event().wait()
