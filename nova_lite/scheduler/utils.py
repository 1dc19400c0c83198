"""Scheduler helpers: what a request asks for, and loading plugins by name."""

from oslo_log import log as logging
from stevedore import driver
from stevedore import exception as stevedore_exception

from nova_lite import exception

LOG = logging.getLogger(__name__)

RESOURCE_CLASSES = ('VCPU', 'MEMORY_MB', 'DISK_GB')

# NOTE: the flavor extra spec prefix Nova uses to override the amount of a
# standard resource class, e.g. ``resources:VCPU=1`` for a flavor whose
# vcpus field says more (or ``=0`` for no disk at all).
_OVERRIDE_PREFIX = 'resources:'


def _mb_to_ceil_gb(mb):
    return (mb + 1023) // 1024


def _get(obj, name, default):
    # NOTE: an unset field of a versioned object raises on access; fields
    # with a default may be left unset by whoever built the object.
    return getattr(obj, name) if obj.obj_attr_is_set(name) else default


def resources_from_spec(spec_obj):
    """The amount of each resource class one instance of a request needs.

    ``DISK_GB`` is the flavor's root disk plus its ephemeral disk plus its
    swap: swap is sized in MB and is rounded *up* to whole GB, because the
    disk has to hold all of it (a 512 MB swap still costs a GB of disk).
    Flavor extra specs ``resources:<CLASS>`` override a class's amount.

    :param spec_obj: a RequestSpec with a flavor.
    :returns: ``{resource_class: amount}``, amounts > 0 only.
    """
    flavor = spec_obj.flavor
    resources = {
        'VCPU': flavor.vcpus,
        'MEMORY_MB': flavor.memory_mb,
        'DISK_GB': (flavor.root_gb + (_get(flavor, 'ephemeral_gb', 0) or 0)
                    + _mb_to_ceil_gb(_get(flavor, 'swap', 0) or 0)),
    }
    for key, value in (_get(flavor, 'extra_specs', {}) or {}).items():
        if not key.startswith(_OVERRIDE_PREFIX):
            continue
        rc = key[len(_OVERRIDE_PREFIX):]
        if rc not in RESOURCE_CLASSES:
            # NOTE: custom classes and traits need placement; say so
            # rather than silently schedule as if they were met.
            LOG.warning('Ignoring flavor extra spec %s: nova-lite only '
                        'knows the resource classes %s', key,
                        ', '.join(RESOURCE_CLASSES))
            continue
        try:
            resources[rc] = int(value)
        except (TypeError, ValueError):
            LOG.warning('Ignoring flavor extra spec %s=%r: not an integer',
                        key, value)
    return {rc: amount for rc, amount in resources.items() if amount > 0}


def load_plugins(kind, namespace, names):
    """Instantiate plugins by their entry point names, in the given order.

    NOTE: stevedore finds them among the ``namespace`` entry points (see
    setup.cfg), so a deployment adds its own by installing a package
    that declares one; there is no table to keep in step.

    :raises: SchedulerPluginNotFound for a name that is not an entry
        point of ``namespace`` or whose code does not import.
    :returns: a list of plugin instances.
    """
    plugins = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        try:
            manager = driver.DriverManager(namespace, name,
                                           invoke_on_load=True)
        except (stevedore_exception.NoMatches, ImportError,
                AttributeError) as error:
            LOG.error('Scheduler %s %s cannot be loaded from %s: %s', kind,
                      name, namespace, error)
            raise exception.SchedulerPluginNotFound(
                kind=kind, name=name, namespace=namespace) from error
        plugins.append(manager.driver)
    return plugins
