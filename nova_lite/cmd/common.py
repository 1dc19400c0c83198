"""What the console scripts share beyond start-up (``config.setup``)."""

from nova_lite import config


def serve(binary, before_start=None):
    """Run one RPC service until the process is stopped."""
    from nova_lite import service
    from nova_lite import utils
    config.setup()
    if before_start is not None:
        before_start()
    service.Service(binary).start()
    utils.wait_forever()
