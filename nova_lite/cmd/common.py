"""What the console scripts share beyond start-up (``config.setup``)."""

from nova_lite import config


def serve(binary, before_start=None):
    """Run one RPC service until the process is stopped, in as many
    worker processes as its ``workers`` option says (see
    ``service.serve``)."""
    from nova_lite import service
    config.setup()
    if before_start is not None:
        before_start()
    service.serve(service.Service(binary),
                  workers=service.workers_of(binary))
