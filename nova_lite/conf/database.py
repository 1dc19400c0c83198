"""Options of the [database] group: where nova-lite keeps its records."""

from oslo_config import cfg

database_group = cfg.OptGroup('database', title='Database options')

database_opts = [
    cfg.StrOpt('connection',
               secret=True,
               help="""
SQLAlchemy URL of the database. Unset means sqlite in ``state_path``
(``$state_path/nova-lite.sqlite``), the embedded default.

Possible values:

* ``sqlite:////path/to/file.sqlite``
* ``mysql+pymysql://user:password@host/nova_lite``
* ``postgresql+psycopg2://user:password@host/nova_lite``
"""),
    cfg.IntOpt('max_pool_size', default=10, min=1,
               help='Connections kept open in the pool.'),
    cfg.IntOpt('max_overflow', default=20, min=0,
               help='Connections allowed above max_pool_size.'),
    cfg.IntOpt('pool_timeout', default=30, min=1,
               help='Seconds to wait for a pooled connection.'),
    cfg.IntOpt('connection_recycle_time', default=3600, min=1,
               help='Seconds after which a pooled connection is replaced.'),
    cfg.IntOpt('max_retries', default=10, min=0,
               help="""
Times a transaction that lost a race (deadlock, stale generation) is
retried before the error reaches the caller.
"""),
]


def register_opts(conf):
    conf.register_group(database_group)
    conf.register_opts(database_opts, group=database_group)


def list_opts():
    return {database_group: database_opts}
