"""Per-project quota: limits from ``[quota]``, the ``default`` quota
class or an admin's per-project rows, usage counted from the records
themselves.

Nothing is reserved: usage is counted when asked. Creates of instances
count and write their rows under a lock of the project
(:func:`instance_creation_lock`), so concurrent creates see each other's
rows and each is admitted while room is left, as if they came one by
one; a create still counts again after it wrote its rows, so one that went
over anyway (the lock not taken in time) is undone rather than trusted.
"""

import contextlib

from nova_lite import conf
from nova_lite.db import api as db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import keypair_api as keypair_db
from nova_lite.db import quota_api as quota_db
from nova_lite.db import server_group_api as group_db
from nova_lite import exception

CONF = conf.CONF

INSTANCE_RESOURCES = ('instances', 'cores', 'ram')

# NOTE: Nova's quota resources and the [quota] option of each default.
RESOURCES = {
    'instances': 'instances',
    'cores': 'cores',
    'ram': 'ram',
    'metadata_items': 'metadata_items',
    'key_pairs': 'key_pairs',
    'injected_files': 'injected_files',
    'injected_file_content_bytes': 'injected_file_content_bytes',
    'injected_file_path_bytes': 'injected_file_path_length',
    'server_groups': 'server_groups',
    'server_group_members': 'server_group_members',
}

# NOTE: nova-network's resources: the API shows them (as unlimited) below
# microversion 2.36; nothing counts or enforces them.
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_groups',
                     'security_group_rules')


# NOTE: the quota class whose limits are every project's defaults, as in
# Nova's DbQuotaDriver.
DEFAULT_QUOTA_CLASS = 'default'


def defaults():
    """{resource: limit} of a project without limits of its own: the
    ``default`` quota class's, over ``[quota]``."""
    quotas = {name: getattr(CONF.quota, option)
              for name, option in RESOURCES.items()}
    quotas.update({name: value for name, value in
                   quota_db.quota_class_get_all_by_name(
                       DEFAULT_QUOTA_CLASS).items()
                   if name in RESOURCES})
    return quotas


def get_class_quotas(class_name):
    """{resource: limit} of a quota class: its own over the defaults.

    NOTE: a class also keeps nova-network's resources when they are set
    (below 2.50 the API takes and shows them, as Nova's); nothing
    enforces them.
    """
    quotas = defaults()
    quotas.update({name: value for name, value in
                   quota_db.quota_class_get_all_by_name(class_name).items()
                   if name in RESOURCES or name in NETWORK_RESOURCES})
    return quotas


def set_class_quotas(class_name, values):
    """Store limits of a quota class (of ``RESOURCES`` and
    ``NETWORK_RESOURCES`` only)."""
    quota_db.quota_class_set(class_name, {
        name: int(value) for name, value in values.items()
        if name in RESOURCES or name in NETWORK_RESOURCES})


def get_project_quotas(project_id):
    """{resource: limit} of a project: its own rows over the defaults."""
    quotas = defaults()
    if project_id:
        quotas.update({name: value for name, value
                       in quota_db.quota_get_all_by_project(project_id).items()
                       if name in RESOURCES})
    return quotas


def set_project_quotas(project_id, values):
    """Store limits of a project (resources of ``RESOURCES`` only)."""
    quota_db.quota_set(project_id, {name: int(value)
                                    for name, value in values.items()
                                    if name in RESOURCES})


def destroy_project_quotas(project_id):
    """Revert a project to the default limits."""
    quota_db.quota_destroy_all_by_project(project_id)


def limits(project_id=None):
    """The instance resources' limits of a project."""
    quotas = get_project_quotas(project_id)
    return {name: quotas[name] for name in INSTANCE_RESOURCES}


def usage(project_id):
    return instance_db.instance_usage_by_project(project_id)


def project_usage(project_id, user_id=None):
    """{resource: in use} of every resource, as Nova counts them.

    NOTE: key pairs belong to users: counted for ``user_id`` only;
    server_group_members is a limit per group, so nothing is "in use".
    """
    used = dict.fromkeys(RESOURCES, 0)
    used.update(usage(project_id))
    used['server_groups'] = group_db.instance_group_count_by_project(
        project_id)
    if user_id:
        used['key_pairs'] = keypair_db.key_pair_count_by_user(user_id)
    return used


def check_instances(project_id, requested, already_counted=False):
    """Raise TooManyInstances if ``requested`` does not fit the quota.

    :param requested: {'instances': n, 'cores': n, 'ram': n} to add.
    :param already_counted: the requested rows are written and so part
        of the usage (the recheck after a create).
    :raises: TooManyInstances naming the resources over quota.
    """
    used = usage(project_id)
    allowed = limits(project_id)
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


def _fit(used, allowed, per_instance, max_count):
    """How many of ``max_count`` instances fit beside ``used``."""
    fit = max_count
    for name in INSTANCE_RESOURCES:
        if allowed[name] < 0 or per_instance[name] == 0:
            continue
        room = (allowed[name] - used[name]) // per_instance[name]
        fit = min(fit, room)
    return max(fit, 0)


def instances_to_admit(project_id, per_instance, min_count, max_count):
    """How many instances of a create the quota admits: as many as fit,
    up to ``max_count``, and at least ``min_count``, as Nova boots them.

    One count decides both, so a create racing others cannot be told
    "no room for min_count" and "room for none" at once.

    :param per_instance: {'instances': 1, 'cores': n, 'ram': n}.
    :returns: the number to create, ``min_count`` to ``max_count``.
    :raises: TooManyInstances when fewer than ``min_count`` fit.
    """
    used = usage(project_id)
    allowed = limits(project_id)
    count = _fit(used, allowed, per_instance, max_count)
    if count >= min_count:
        return count
    requested = {name: amount * min_count
                 for name, amount in per_instance.items()}
    over = [name for name in INSTANCE_RESOURCES
            if allowed[name] >= 0 and
            used[name] + requested[name] > allowed[name]]
    raise exception.TooManyInstances(
        resources=', '.join(over),
        req=', '.join(str(requested[n]) for n in over),
        used=', '.join(str(used[n]) for n in over),
        allowed=', '.join(str(allowed[n]) for n in over))


# NOTE: long enough for a crowd of creates of one project to pass one by
# one; past it a create goes ahead unlocked, and the recheck after its
# rows are written still keeps the project within its quota.
CREATION_LOCK_TIMEOUT = 60


@contextlib.contextmanager
def instance_creation_lock(project_id):
    """Serialise, across API processes, the counting and writing of new
    instances of a project whose instances, cores or RAM are limited
    (a project without such limits has nothing to protect).

    The ``with`` block counts usage (:func:`instances_to_admit`) and
    writes the rows; only then do other creates of the project count.
    """
    allowed = limits(project_id)
    if all(allowed[name] < 0 for name in INSTANCE_RESOURCES):
        yield
        return
    with db.named_lock('quota-instances-%s' % project_id,
                       CREATION_LOCK_TIMEOUT):
        yield


def check_injected_files(project_id, files):
    """Check personality files against the project's injected file
    limits, as Nova does before file injection was dropped (2.57).

    :param files: the request's ``personality``: [{'path': ..,
        'contents': <base64>}]; the contents count as sent.
    :raises: OnsetFileLimitExceeded (too many files),
        OnsetFilePathLimitExceeded, OnsetFileContentLimitExceeded.
    """
    if not files:
        return
    quotas = get_project_quotas(project_id)
    allowed = quotas['injected_files']
    if 0 <= allowed < len(files):
        raise exception.OnsetFileLimitExceeded()
    max_path = quotas['injected_file_path_bytes']
    max_content = quotas['injected_file_content_bytes']
    for injected in files:
        if 0 <= max_path < len(injected.get('path', '')):
            raise exception.OnsetFilePathLimitExceeded(allowed=max_path)
        if 0 <= max_content < len(injected.get('contents', '')):
            raise exception.OnsetFileContentLimitExceeded(
                allowed=max_content)


def limit_of(project_id, resource):
    """One limit of a project (-1: unlimited)."""
    return get_project_quotas(project_id)[resource]
