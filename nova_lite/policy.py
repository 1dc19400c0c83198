"""Policy enforcement: oslo.policy with the defaults in ``policies/``."""

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from nova_lite import exception
from nova_lite import policies

_ENFORCER = None


def reset():
    global _ENFORCER
    if _ENFORCER:
        _ENFORCER.clear()
    _ENFORCER = None


def get_enforcer():
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = oslo_policy.Enforcer(cfg.CONF)
        _ENFORCER.register_defaults(policies.list_rules())
        _ENFORCER.load_rules()
    return _ENFORCER


def _credentials(context):
    creds = context.to_policy_values()
    creds['is_admin'] = bool(getattr(context, 'is_admin', False))
    return creds


def authorize(context, action, target, fatal=True):
    """Check ``action`` for ``context`` on ``target``.

    :raises: PolicyNotAuthorized when denied and ``fatal`` is set.
    :returns: whether the action is allowed.
    """
    try:
        return get_enforcer().authorize(
            action, target, _credentials(context),
            do_raise=fatal, exc=exception.PolicyNotAuthorized, action=action)
    except oslo_policy.PolicyNotRegistered:
        raise exception.InternalError(err='Policy %s not registered' % action)


def check_is_admin(context):
    """Whether the roles of ``context`` make it an administrator."""
    creds = context.to_policy_values()
    return get_enforcer().authorize('context_is_admin', {}, creds)
