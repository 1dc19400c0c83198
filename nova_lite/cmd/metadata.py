"""nova-lite-metadata: Nova's metadata API for guests, over eventlet.wsgi.

It runs on the controller, beside nova-lite-api, and reads instances from
the database (``[database] connection``). It listens where Nova's does by
default, ``0.0.0.0:8775`` (``[DEFAULT] metadata_listen`` and
``metadata_listen_port``); guests reach it at 169.254.169.254 through the
metadata proxy of their network, which signs each request with ``[metadata]
metadata_proxy_shared_secret``.
"""

from nova_lite import config
from nova_lite import service


def start():
    """Serve the metadata API on ``metadata_listen:metadata_listen_port``.

    The caller has parsed the configuration; nova-lite-all calls this too.

    :returns: the started ``service.WSGIService``.
    """
    return service.WSGIService(name='metadata').start()


def main():
    config.setup()
    service.serve(service.WSGIService(name='metadata'))
