"""nova-lite-api: the Compute API over eventlet.wsgi."""

from nova_lite import config
from nova_lite import rpc
from nova_lite import service
from nova_lite import utils


def main():
    config.setup()
    rpc.init()
    service.WSGIService().start()
    utils.wait_forever()
