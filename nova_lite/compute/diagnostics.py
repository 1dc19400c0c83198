"""Diagnostics of a guest, read on its compute host for the API.

Only a running guest has figures worth reading: as Nova, any other power
state (a guest that is paused, stopped, still being built or gone) is a
conflict the user can resolve by waiting or starting it.
"""

from nova_lite.compute import power
from nova_lite import exception
from nova_lite.states import power_state


def _check_running(driver, instance, method):
    """:raises: InstanceInvalidState unless the guest is RUNNING."""
    state = power.current_power_state(driver, instance)
    if state != power_state.RUNNING:
        raise exception.InstanceInvalidState(
            attr='power state', instance_uuid=instance.uuid,
            state=power_state.STATE_MAP.get(state, state), method=method)


def get_diagnostics(driver, instance):
    """:returns: the driver's flat dict of the guest's counters (the
        shape before microversion 2.48).
    :raises: InstanceInvalidState when the guest does not run;
        NotImplementedError when the driver has no diagnostics.
    """
    _check_running(driver, instance, 'get_diagnostics')
    return driver.get_diagnostics(instance)


def get_instance_diagnostics(driver, instance):
    """:returns: the guest's figures in the standard shape (2.48), see
        :meth:`nova_lite.virt.driver.ComputeDriver.get_instance_diagnostics`.
    :raises: as :func:`get_diagnostics`.
    """
    _check_running(driver, instance, 'get_instance_diagnostics')
    return driver.get_instance_diagnostics(instance)
