"""nova-lite-image: the image service (Glance v2 subset) over eventlet.wsgi.

It listens where Glance does by default, ``0.0.0.0:9292`` (see
``[image_service] bind_host``/``bind_port``), keeps its records in the
nova-lite database (``nova-lite-manage db sync`` creates the tables) and
its data under ``[image_service] store_path``.
"""

from oslo_log import log as logging

from nova_lite.cmd import common
from nova_lite import conf
from nova_lite.image.service import app
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def main():
    common.setup()
    utils.ensure_tree(CONF.image_service.store_path)
    server = utils.WSGIServer('image', app.make_app(),
                              CONF.image_service.bind_host,
                              CONF.image_service.bind_port).start()
    LOG.info('Image service listening on http://%s:%s', server.host,
             server.port)
    utils.wait_forever()
