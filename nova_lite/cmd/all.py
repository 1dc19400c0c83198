"""nova-lite-all: every service in one process, the embedded default.

With no arguments it keeps its state in ``~/.nova-lite`` (sqlite:
``nova-lite.sqlite``, and the image service's own
``nova-lite-image.sqlite``), passes RPC messages in memory, serves the
Compute API on 127.0.0.1:8774 and the image service (nova-lite-image) on
127.0.0.1:9292 without authentication, the metadata API
(nova-lite-metadata) on 127.0.0.1:8775, and with the libvirt driver the
network host (nova-lite-network: each network's gateway, DHCP and
metadata proxy on this host):
a first run needs no broker, no database server and no Glance. With
``[glance] api_servers`` set it uses that image service instead and starts
none of its own.
"""

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.cmd import image
from nova_lite.cmd import manage
from nova_lite.cmd import metadata
from nova_lite import conf
from nova_lite import config
from nova_lite.objects import service as service_obj
from nova_lite import rpc
from nova_lite import service

CONF = conf.CONF
LOG = logging.getLogger(__name__)

RPC_BINARIES = (service_obj.CONDUCTOR_BINARY, service_obj.SCHEDULER_BINARY,
                service_obj.COMPUTE_BINARY)


def _runs_real_guests():
    """Whether the guests use this host's bridges, which then need a
    network host (gateways, DHCP, metadata proxies): not the fake
    driver's."""
    return CONF.compute_driver.split('.')[0] == 'libvirt'


def start_all():
    """Prepare the database and start every service; returns them."""
    # NOTE: oslo.messaging defaults transport_url to rabbit://; only a URL
    # the operator gave takes the embedded default off in-process RPC.
    location = CONF.get_location('transport_url')
    if location is None or location.location in (
            cfg.Locations.opt_default, cfg.Locations.set_default):
        CONF.set_override('transport_url', rpc.IN_PROCESS_URL)
    # NOTE: the image database first: its first sync copies the images
    # that nova-lite's database held, which its migration 0014 drops.
    if not CONF.glance.api_servers:
        manage.image_db_sync()
    manage.db_sync()
    manage.bootstrap()
    services = []
    # NOTE: the compute API and the driver reach images through the Glance
    # v2 client only, so the embedded image service is used exactly as a
    # real Glance would be. An operator's api_servers (a real Glance, which
    # may listen on 9292 here) wins, and then none is started.
    if CONF.glance.api_servers:
        LOG.info('Images come from [glance] api_servers %s; the embedded '
                 'image service is not started',
                 ', '.join(CONF.glance.api_servers))
    else:
        image_server = image.start()
        services.append(image_server)
        LOG.info('Images come from the embedded image service, %s',
                 ', '.join(image.use_local_if_unset(image_server.host,
                                                    image_server.port)))
    services += [service.Service(binary).start() for binary in RPC_BINARIES]
    services.append(metadata.start())
    # NOTE: the network host's metadata proxies send to this process's
    # metadata API unless told otherwise.
    listen = CONF.metadata_listen
    CONF.set_default('nova_metadata_host',
                     '127.0.0.1' if listen in ('', '0.0.0.0', '::')
                     else listen, group='metadata')
    CONF.set_default('nova_metadata_port', CONF.metadata_listen_port,
                     group='metadata')
    if _runs_real_guests():
        services.append(service.Service(service_obj.NETWORK_BINARY).start())
    services.append(service.WSGIService().start())
    return services


def main():
    config.setup()
    CONF.set_default('osapi_compute_listen', '127.0.0.1')
    CONF.set_default('bind_host', '127.0.0.1', group='image_service')
    CONF.set_default('metadata_listen', '127.0.0.1')
    # NOTE: one process is one host: a resize has nowhere else to go (what
    # devstack sets for a single node too).
    CONF.set_default('allow_resize_to_same_host', True)
    service.serve(service.ServiceGroup(start_all))
