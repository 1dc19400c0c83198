"""Per-project quota, counted from the records themselves.

Nothing is reserved or stored: usage is counted when asked, and a create
counts again after it wrote its rows, so concurrent creates that together
went over are undone rather than trusted.
"""

from nova_lite import conf
from nova_lite.db import api as db
from nova_lite import exception

CONF = conf.CONF

INSTANCE_RESOURCES = ('instances', 'cores', 'ram')


def limits():
    return {name: getattr(CONF.quota, name) for name in INSTANCE_RESOURCES}


def usage(project_id):
    return db.instance_usage_by_project(project_id)


def check_instances(project_id, requested, already_counted=False):
    """Raise TooManyInstances if ``requested`` does not fit the quota.

    :param requested: {'instances': n, 'cores': n, 'ram': n} to add.
    :param already_counted: the requested rows are written and so part
        of the usage (the recheck after a create).
    :raises: TooManyInstances naming the resources over quota.
    """
    used = usage(project_id)
    allowed = limits()
    over = []
    for name in INSTANCE_RESOURCES:
        if allowed[name] < 0:
            continue
        total = used[name] if already_counted else used[name] + requested[name]
        if total > allowed[name]:
            over.append(name)
    if over:
        base = {name: (used[name] - requested[name] if already_counted
                       else used[name]) for name in over}
        raise exception.TooManyInstances(
            resources=', '.join(over),
            req=', '.join(str(requested[n]) for n in over),
            used=', '.join(str(base[n]) for n in over),
            allowed=', '.join(str(allowed[n]) for n in over))


def max_instances_allowed(project_id, per_instance, max_count):
    """How many of ``max_count`` instances the quota leaves room for."""
    used = usage(project_id)
    allowed = limits()
    fit = max_count
    for name in INSTANCE_RESOURCES:
        if allowed[name] < 0 or per_instance[name] == 0:
            continue
        room = (allowed[name] - used[name]) // per_instance[name]
        fit = min(fit, room)
    return max(fit, 0)
