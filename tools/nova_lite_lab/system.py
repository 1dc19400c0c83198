"""Commands, processes, pid files, config files, RabbitMQ and the database."""

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from nova_lite.deploy import config as deploy_config
from nova_lite import exception
from nova_lite_lab import consts


class LabError(Exception):
    """Something the lab needs failed; ``log`` names the file to show."""

    def __init__(self, message, log=None):
        super().__init__(message)
        self.log = log


def say(message):
    print('lab: %s' % message, file=sys.stderr, flush=True)


def run(argv, check=True, timeout=consts.CMD_TIMEOUT, input=None,
        env=None):
    """Run ``argv``; returns the CompletedProcess (text, stdout+stderr).

    :param env: variables set on top of :func:`child_env`'s.
    :raises LabError: when it fails and ``check`` is set.
    """
    try:
        proc = subprocess.run(argv, input=input, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=timeout,
                              env=dict(child_env(), **(env or {})),
                              stdin=None if input else subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        if check:
            raise LabError('%s: %s' % (' '.join(argv), e))
        return subprocess.CompletedProcess(argv, 255, str(e))
    if check and proc.returncode != 0:
        raise LabError('%s exited %d: %s' % (' '.join(argv), proc.returncode,
                                             proc.stdout.strip()[-3000:]))
    return proc


def child_env():
    env = dict(os.environ)
    env['PYTHONUNBUFFERED'] = '1'
    # NOTE: the unit tests' switch; real services need eventlet's patching.
    env.pop('NOVA_LITE_NO_MONKEY_PATCH', None)
    path = env.get('PATH', '').split(':')
    for extra in ('/usr/local/sbin', '/usr/sbin', '/sbin'):
        if extra not in path:
            path.append(extra)
    env['PATH'] = ':'.join(p for p in path if p)
    return env


def proc_start_time(pid):
    """(start time, state) of process ``pid`` from /proc, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
    except (OSError, IndexError, ValueError):
        return None
    return int(fields[19]), fields[0]


def write_pid(path, pid):
    """Record ``pid`` with its start time, so a reused pid is not ours."""
    info = proc_start_time(pid)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('%d %d\n' % (pid, info[0] if info else 0))


def read_pid(path):
    """``(pid, start time)`` recorded at ``path``, or None."""
    try:
        with open(path) as f:
            fields = f.read().split()
        return int(fields[0]), int(fields[1]) if len(fields) > 1 else 0
    except (OSError, ValueError, IndexError):
        return None


def alive(record):
    """Whether the process of a ``read_pid`` record still runs.

    NOTE: a zombie counts as gone: this machine's init reaps orphans late.
    """
    if not record:
        return False
    info = proc_start_time(record[0])
    if info is None or info[1] in ('Z', 'X'):
        return False
    return not record[1] or info[0] == record[1]


def stop_processes(records, timeout=consts.STOP_TIMEOUT,
                   sig=signal.SIGTERM):
    """Send ``sig`` to the recorded processes at once; SIGKILL those that
    outlive ``timeout`` seconds.

    :returns: the records of those that were running.
    """
    running = [r for r in records if alive(r)]
    for signum, wait in ((sig, timeout), (signal.SIGKILL, 5)):
        left = [r for r in running if alive(r)]
        for record in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(record[0], signum)
        deadline = time.monotonic() + wait
        while any(alive(r) for r in left) and time.monotonic() < deadline:
            time.sleep(0.1)
    return running


def stop_process(record, timeout=consts.STOP_TIMEOUT, sig=signal.SIGTERM):
    """``stop_processes`` of one; returns True if it was running."""
    return bool(stop_processes([record], timeout, sig))


def tail(path, lines=30):
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 128 * 1024))
            text = f.read().decode('utf-8', 'replace')
    except OSError:
        return ''
    return '\n'.join(text.splitlines()[-lines:])


def wait_for(predicate, timeout, what, check=None, log=None):
    """Poll ``predicate`` until truthy; ``check`` may raise meanwhile.

    :raises LabError: after ``timeout`` seconds, naming ``log``.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if check:
            check()
        if time.monotonic() > deadline:
            raise LabError('timed out after %ds waiting for %s'
                           % (timeout, what), log=log)
        time.sleep(0.25)


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def script_argv(script):
    """argv that runs a nova-lite console script, or None if none exists.

    Looks beside the running interpreter (a virtualenv's bin), in the
    repository's .venv, on PATH, then falls back to the module under
    nova_lite/cmd run by this interpreter.
    """
    if not script.startswith('nova-lite-'):
        return [shutil.which(script, path=child_env()['PATH']) or script]
    for directory in (os.path.dirname(sys.executable),
                      os.path.join(consts.REPO, '.venv', 'bin')):
        path = os.path.join(directory, script)
        if os.access(path, os.X_OK):
            return [path]
    found = shutil.which(script)
    if found:
        return [found]
    module = script[len('nova-lite-'):]
    if os.path.exists(os.path.join(consts.REPO, 'nova_lite', 'cmd',
                                   module + '.py')):
        return [sys.executable, '-c',
                'import sys; from nova_lite.cmd.%s import main; '
                'sys.exit(main())' % module]
    return None


def parse_sets(values):
    """``SECTION.OPTION=VALUE`` strings -> ``{section: {option: value}}``."""
    try:
        return deploy_config.parse_sets(values)
    except exception.InvalidInput as e:
        raise LabError(e.format_message())


def rabbitmqctl(*args, check=True):
    ctl = shutil.which('rabbitmqctl', path=child_env()['PATH'])
    if not ctl:
        raise LabError('rabbitmqctl is missing: the lab needs a RabbitMQ '
                       'on this machine')
    return run([ctl, '-q'] + list(args), check=check)


def vhost_exists():
    return consts.VHOST in rabbitmqctl('list_vhosts').stdout.split()


def db_connect(backend):
    if backend == 'mysql':
        import pymysql
        return pymysql.connect(connect_timeout=10, autocommit=True,
                               **consts.MYSQL)
    import psycopg2
    conn = psycopg2.connect(dbname='postgres', connect_timeout=10,
                            **consts.POSTGRESQL)
    conn.autocommit = True
    return conn


def db_url(backend):
    if backend == 'mysql':
        return 'mysql+pymysql://{user}@{host}:{port}/{db}?charset=utf8mb4' \
            .format(db=consts.DB_NAME, **consts.MYSQL)
    return 'postgresql+psycopg2://{user}@{host}:{port}/{db}'.format(
        db=consts.DB_NAME, **consts.POSTGRESQL)


def db_exists(backend):
    conn = db_connect(backend)
    try:
        with conn.cursor() as cur:
            if backend == 'mysql':
                cur.execute('SHOW DATABASES LIKE %s', (consts.DB_NAME,))
            else:
                cur.execute('SELECT 1 FROM pg_database WHERE datname = %s',
                            (consts.DB_NAME,))
            return bool(cur.fetchall())
    finally:
        conn.close()


def db_create(backend):
    conn = db_connect(backend)
    try:
        with conn.cursor() as cur:
            if backend == 'mysql':
                cur.execute('CREATE DATABASE `%s` CHARACTER SET utf8mb4'
                            % consts.DB_NAME)
            else:
                cur.execute('CREATE DATABASE "%s"' % consts.DB_NAME)
    finally:
        conn.close()


def db_drop(backend):
    conn = db_connect(backend)
    try:
        with conn.cursor() as cur:
            if backend == 'mysql':
                # NOTE: a connection left by a killed service would hold
                # metadata locks and make DROP wait.
                cur.execute('SELECT id FROM information_schema.processlist '
                            'WHERE db = %s', (consts.DB_NAME,))
                for (pid,) in cur.fetchall():
                    with contextlib.suppress(Exception):
                        cur.execute('KILL %d' % pid)
                cur.execute('DROP DATABASE IF EXISTS `%s`' % consts.DB_NAME)
            else:
                cur.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)'
                            % consts.DB_NAME)
    finally:
        conn.close()


@contextlib.contextmanager
def lock():
    """One up or down at a time on this machine."""
    os.makedirs(os.path.dirname(consts.LOCK_FILE), exist_ok=True)
    with open(consts.LOCK_FILE, 'a') as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LabError('another tools/lab up or down is running')
        yield
