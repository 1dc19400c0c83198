"""Scheduler helpers: what a request asks for, and loading plugins by name."""

import importlib
from importlib import metadata

from oslo_log import log as logging

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


def load_plugins(kind, namespace, names, builtins):
    """Instantiate plugins by name, in the given order.

    A name is looked up among the ``namespace`` entry points first (so a
    deployment can add its own), then in ``builtins`` (name ->
    ``module:Class``), which keeps a source tree without installed
    metadata working; a name with a colon is taken as ``module:Class``.

    :raises: SchedulerPluginNotFound for an unknown name.
    :returns: a list of plugin instances.
    """
    try:
        entry_points = {ep.name: ep for ep in
                        metadata.entry_points(group=namespace)}
    except Exception:  # NOTE: broken metadata must not stop the scheduler.
        LOG.exception('Could not read the %s entry points', namespace)
        entry_points = {}
    plugins = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name in entry_points:
            try:
                cls = entry_points[name].load()
            except ImportError:
                LOG.warning('Entry point %s of %s does not import; trying '
                            'the built-in table', name, namespace)
                cls = None
        else:
            cls = None
        if cls is None:
            path = builtins.get(name, name if ':' in name else None)
            if path is None:
                raise exception.SchedulerPluginNotFound(
                    kind=kind, name=name, namespace=namespace)
            module_name, _sep, class_name = path.partition(':')
            try:
                cls = getattr(importlib.import_module(module_name),
                              class_name)
            except (ImportError, AttributeError):
                raise exception.SchedulerPluginNotFound(
                    kind=kind, name=name, namespace=namespace)
        plugins.append(cls())
    return plugins
