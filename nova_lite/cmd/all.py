"""nova-lite-all: every service in one process, the embedded default.

With no arguments it keeps its state in ``~/.nova-lite`` (sqlite), passes
RPC messages in memory and serves the API on 127.0.0.1:8774 without
authentication: a first run needs no broker and no database server.
"""

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.cmd import common
from nova_lite.cmd import manage
from nova_lite import conf
from nova_lite import rpc
from nova_lite import service
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

RPC_BINARIES = ('nova-lite-conductor', 'nova-lite-scheduler',
                'nova-lite-compute')


def start_all():
    """Prepare the database and start every service; returns them."""
    # NOTE: oslo.messaging defaults transport_url to rabbit://; only a URL
    # the operator gave takes the embedded default off in-process RPC.
    location = CONF.get_location('transport_url')
    if location is None or location.location in (
            cfg.Locations.opt_default, cfg.Locations.set_default):
        CONF.set_override('transport_url', rpc.IN_PROCESS_URL)
    manage.db_sync()
    manage.bootstrap()
    services = [service.Service(binary).start() for binary in RPC_BINARIES]
    services.append(service.WSGIService().start())
    return services


def main():
    common.setup()
    CONF.set_default('osapi_compute_listen', '127.0.0.1')
    start_all()
    utils.wait_forever()
