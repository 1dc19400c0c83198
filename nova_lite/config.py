"""Start-up of every nova-lite process: config, logging, privsep,
objects.

NOTE: not under ``cmd/``, whose package greens the standard library on
import: a WSGI server (uwsgi, gunicorn) that loads ``nova_lite.wsgi``
sets up the same way without eventlet's monkey patching.
"""

import sys

import oslo_messaging as messaging
import oslo_messaging.opts  # noqa: F401
from oslo_log import log as logging

from nova_lite import conf
from nova_lite import objects
from nova_lite import privsep
from nova_lite import version

CONF = conf.CONF

# NOTE: oslo.messaging and the libraries below log every message at DEBUG;
# their INFO lines are what an operator wants.
_QUIET = ['amqp=WARN', 'amqplib=WARN', 'oslo.messaging=INFO',
          'oslo_messaging=INFO', 'sqlalchemy=WARN', 'stevedore=WARN',
          'iso8601=WARN', 'eventlet.wsgi.server=WARN', 'kombu=WARN',
          'oslo_policy=INFO', 'urllib3=WARN', 'routes=WARN']


def setup(argv=None, default_config_files=None):
    """Parse the command line and config files, set up logging."""
    logging.register_options(CONF)
    logging.set_defaults(default_log_levels=logging.get_default_log_levels()
                         + _QUIET)
    messaging.set_transport_defaults(control_exchange='nova_lite')
    # NOTE: oslo.messaging registers transport_url only when a transport is
    # built; nova-lite-all reads it before, to pick its in-process default.
    for group, opts in messaging.opts.list_opts():
        if group is None:
            CONF.register_opts(opts)
    CONF(sys.argv[1:] if argv is None else argv, project='nova-lite',
         version=version.version_string(),
         default_config_files=default_config_files)
    logging.setup(CONF, 'nova-lite')
    privsep.init()
    objects.register_all()
