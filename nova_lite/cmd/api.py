"""nova-lite-api: the Compute API over eventlet.wsgi."""

from nova_lite.cmd import common
from nova_lite import rpc
from nova_lite import service
from nova_lite import utils


def main():
    common.setup()
    rpc.init()
    service.WSGIService().start()
    utils.wait_forever()
