"""Flavor extra spec validation (microversion 2.86).

From 2.86 Nova refuses extra specs of its known namespaces whose values it
would not understand. nova-lite checks the values of the keys below, the
ones whose format is fixed (``resources:``/``trait:`` as placement reads
them, and the ``hw:``, ``hw_rng:``, ``hw_video:`` and ``quota:`` keys of
fixed form); a key it has no rule for is stored unchecked, so a valid
Nova flavor is never refused.
"""

import re

from nova_lite import exception

_BOOLEAN = ('true', 'false', 'yes', 'no', '1', '0', 'on', 'off')
_INTEGER = re.compile(r'^[0-9]+$')
# A request group suffix: none, a number, or "_" and a name.
_GROUP = r'([1-9][0-9]*|_[a-zA-Z0-9_-]+)?'
_RESOURCES_NS = re.compile(r'^resources%s$' % _GROUP)
_TRAIT_NS = re.compile(r'^trait%s$' % _GROUP)
_NAME = re.compile(r'^[A-Z0-9_]+$')
_PAGE_SIZE = re.compile(r'^(small|large|any|[0-9]+[kKmMgG]?[bB]?)$')

# key -> allowed values (a tuple) or a pattern the value must match.
_RULES = {
    'hw:cpu_policy': ('dedicated', 'shared', 'mixed'),
    'hw:cpu_thread_policy': ('prefer', 'isolate', 'require'),
    'hw:emulator_threads_policy': ('share', 'isolate'),
    'hw:mem_page_size': _PAGE_SIZE,
    'hw:numa_nodes': _INTEGER,
    'hw:watchdog_action': ('none', 'pause', 'poweroff', 'reset',
                           'disabled'),
    'hw:boot_menu': _BOOLEAN,
    'hw:cpu_sockets': _INTEGER,
    'hw:cpu_cores': _INTEGER,
    'hw:cpu_threads': _INTEGER,
    'hw:cpu_max_sockets': _INTEGER,
    'hw:cpu_max_cores': _INTEGER,
    'hw:cpu_max_threads': _INTEGER,
    'hw_rng:allowed': _BOOLEAN,
    'hw_rng:rate_bytes': _INTEGER,
    'hw_rng:rate_period': _INTEGER,
    'hw_video:ram_max_mb': _INTEGER,
}
_QUOTA_INTEGER = re.compile(r'^quota:(cpu_(shares|period|quota)|'
                            r'(disk|vif)_[a-z_]+)$')


def _refuse(reason):
    raise exception.ValidationError(detail='Validation failed; %s' % reason)


def _check(key, value, rule):
    if isinstance(rule, tuple):
        if value.lower() not in rule:
            _refuse("the value '%s' of extra spec '%s' is not one of: %s."
                    % (value, key, ', '.join(rule)))
    elif not rule.match(value):
        _refuse("the value '%s' of extra spec '%s' is not valid."
                % (value, key))


def validate(key, value):
    """Check one extra spec.

    :raises: ValidationError (400) for a value its key cannot have.
    """
    value = str(value)
    namespace, _, name = key.partition(':')
    if _RESOURCES_NS.match(namespace):
        if not _NAME.match(name):
            _refuse("extra spec '%s' does not name a resource class." % key)
        _check(key, value, _INTEGER)
    elif _TRAIT_NS.match(namespace):
        if not _NAME.match(name):
            _refuse("extra spec '%s' does not name a trait." % key)
        _check(key, value, ('required', 'forbidden'))
    elif key in _RULES:
        _check(key, value, _RULES[key])
    elif _QUOTA_INTEGER.match(key):
        _check(key, value, _INTEGER)
