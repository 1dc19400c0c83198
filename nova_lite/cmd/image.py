"""nova-lite-image: the image service (Glance v2 subset) over eventlet.wsgi.

It listens where Glance does by default, ``0.0.0.0:9292`` (see
``[image_service] bind_host``/``bind_port``), keeps its records in a
database of its own (``[image_service] database_connection``; unset,
``$state_path/nova-lite-image.sqlite``; ``nova-lite-manage image_db sync``
creates the tables) and its data under ``[image_service] store_path``.
It shares nothing with nova-lite's database, so it may run on a host of
its own.
"""

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import config
from nova_lite.image.service import app
from nova_lite import service
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def local_url(host=None, port=None):
    """The ``http://`` URL of an image service on this host bound to
    ``host:port`` (default ``[image_service] bind_host``/``bind_port``);
    a wildcard address is reached on loopback."""
    host = CONF.image_service.bind_host if host is None else host
    port = CONF.image_service.bind_port if port is None else port
    if host in ('0.0.0.0', ''):
        host = '127.0.0.1'
    elif host == '::':
        host = '::1'
    if ':' in host:
        host = '[%s]' % host
    return 'http://%s:%d' % (host, port)


def use_local_if_unset(host=None, port=None):
    """Point an unset ``[glance] api_servers`` at :func:`local_url`.

    NOTE: nova-lite-all and nova-lite-manage's image commands do this, so
    the embedded default needs no configuration; whatever the operator
    set (a real Glance) wins.

    :returns: the image service endpoints in use.
    """
    if not CONF.glance.api_servers:
        CONF.set_override('api_servers', [local_url(host, port)],
                          group='glance')
    return CONF.glance.api_servers


def start():
    """Serve the image service on ``[image_service] bind_host:bind_port``.

    The caller has parsed the configuration; nova-lite-all calls this too.

    :returns: the started :class:`nova_lite.utils.WSGIServer` (its
        ``host``/``port`` say where it really listens).
    """
    utils.ensure_tree(CONF.image_service.store_path)
    server = utils.WSGIServer('image', app.make_app(),
                              CONF.image_service.bind_host,
                              CONF.image_service.bind_port).start()
    LOG.info('Image service listening on http://%s:%s', server.host,
             server.port)
    return server


def main():
    config.setup()
    service.serve(service.ServiceGroup(lambda: [start()]))
