"""VirtAPI: the only way a virt driver calls back into the compute service."""

import contextlib


class VirtAPI:
    """Callbacks a driver may make into compute; the manager subclasses it.

    NOTE: drivers sit below compute in the layering, so anything they need
    from above (events, instance updates) must come through this object
    rather than an import.
    """

    @contextlib.contextmanager
    def wait_for_instance_event(self, instance, event_names, deadline=300,
                                error_callback=None):
        """Wait, around the ``with`` body, for external events of ``instance``.

        :param instance: the instance the events are about.
        :param event_names: names of the events to wait for (for example
            ``network-vif-plugged-<port id>``).
        :param deadline: seconds to wait once the body has run.
        :param error_callback: called with the event name and instance on a
            failed event; ``None`` raises instead.

        This base version waits for nothing: no service sends external
        events yet, so the body simply runs.
        """
        yield

    def plug_networks(self, network_info):
        """Make the host side of these NICs' networks ready: each network's
        bridge up and joined to its segment (a VXLAN, VLAN or physical
        interface) on this host.

        This base version does nothing: a driver on its own has no
        segments to join.
        """
