"""Fixtures shared by the unit tests: config overrides and a fresh sqlite
database with the real schema (from the migrations, run once and copied)."""

import os
import shutil

# NOTE: unit tests run unpatched (as tox sets it); set here too so that a
# bare ``pytest tests/unit -n 2`` does not hang xdist's workers on
# eventlet's patched threads. Must precede the first nova_lite import.
os.environ.setdefault('NOVA_LITE_NO_MONKEY_PATCH', '1')

import pytest  # noqa: E402

from nova_lite import conf  # noqa: E402
from nova_lite import context as nova_context  # noqa: E402
from nova_lite.db import api as db_api  # noqa: E402
from nova_lite.db import migration  # noqa: E402
from nova_lite import objects  # noqa: E402
from nova_lite import privsep  # noqa: E402

CONF = conf.CONF

# NOTE: unit tests mock at the edges (subprocess, os): a privileged entry
# point runs in the test's process, never through sudo and a daemon.
for _context in privsep.CONTEXTS:
    _context.set_client_mode(False)

objects.register_all()
# NOTE: policy looks its file up through CONF, which must be parsed once.
CONF([], project='nova-lite', default_config_files=[])


class ConfOverrides:
    """Set options for one test and undo them after, as oslo.config's
    Config fixture does (without needing the ``fixtures`` package)."""

    def __init__(self, conf=CONF):
        self.conf = conf
        self._set = []

    def set(self, group=None, **overrides):
        for name, value in overrides.items():
            self.conf.set_override(name, value, group)
            self._set.append((name, group))

    __call__ = set

    def cleanup(self):
        for name, group in reversed(self._set):
            self.conf.clear_override(name, group)
        self._set = []


@pytest.fixture
def flags():
    """``flags(name=value, group=...)`` overrides options for one test."""
    overrides = ConfOverrides()
    yield overrides
    overrides.cleanup()


@pytest.fixture(scope='session')
def migrated_database(tmp_path_factory):
    """A sqlite file migrated to the newest schema once per session (per
    xdist worker): the template each test's ``database`` copies.

    NOTE: running every migration took most of a unit test's set-up; a
    copy of the file takes a millisecond and isolates tests as well.
    """
    path = tmp_path_factory.mktemp('template') / 'unit.sqlite'
    CONF.set_override('connection', 'sqlite:///%s' % path, group='database')
    try:
        db_api.dispose_engine()
        migration.db_sync()
    finally:
        db_api.dispose_engine()
        CONF.clear_override('connection', group='database')
    return path


@pytest.fixture
def database(migrated_database, tmp_path, flags):
    """A sqlite database at the newest schema, for one test."""
    path = tmp_path / 'unit.sqlite'
    shutil.copyfile(migrated_database, path)
    flags(connection='sqlite:///%s' % path, group='database')
    db_api.dispose_engine()
    yield db_api
    db_api.dispose_engine()


@pytest.fixture
def ctxt():
    return nova_context.RequestContext(user_id='user-1',
                                       project_id='project-1',
                                       request_id='req-unit',
                                       overwrite=False)


@pytest.fixture
def admin_ctxt():
    return nova_context.get_admin_context()
