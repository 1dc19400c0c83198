"""Options of the [database] group: where nova-lite keeps its records."""

import copy

from oslo_config import cfg
from oslo_db import options as oslo_db_options

database_group = cfg.OptGroup('database', title='Database options')

# NOTE: the [database] options are oslo.db's own (its enginefacade and
# wrap_db_retry read them, and its engine start registers them again, so
# they are registered as they are); nova-lite sets its pool defaults and
# gives ``connection`` a meaning when unset.
_DEFAULTS = {'max_pool_size': 10, 'max_overflow': 20, 'pool_timeout': 30}

_CONNECTION_HELP = """
SQLAlchemy URL of the database. Unset means sqlite in ``state_path``
(``$state_path/nova-lite.sqlite``), the embedded default.

Possible values:

* ``sqlite:////path/to/file.sqlite``
* ``mysql+pymysql://user:password@host/nova_lite``
* ``postgresql+psycopg2://user:password@host/nova_lite``
"""


def register_opts(conf):
    conf.register_group(database_group)
    oslo_db_options.set_defaults(conf, **_DEFAULTS)


def list_opts():
    """oslo.db's options as nova-lite uses them, for the sample files."""
    opts = copy.deepcopy(oslo_db_options.database_opts)
    for opt in opts:
        if opt.name in _DEFAULTS:
            opt.default = _DEFAULTS[opt.name]
        if opt.name == 'connection':
            opt.help = _CONNECTION_HELP
    return {database_group: opts}
