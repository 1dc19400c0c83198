"""nova-lite-api: the Compute API over eventlet.wsgi, in
``osapi_compute_workers`` processes."""

from nova_lite import config
from nova_lite import rpc
from nova_lite import service


def main():
    config.setup()
    rpc.init()
    service.serve(service.WSGIService(),
                  workers=service.workers_of('osapi_compute'))
