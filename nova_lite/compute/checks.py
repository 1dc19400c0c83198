"""Preconditions of instance actions: decorators of compute API methods
taking ``(self, context, instance, ...)``. Each raises before the method
runs, so a refused request changes nothing."""

import functools

from nova_lite import exception


def _as_set(states):
    if states is None or isinstance(states, (set, frozenset)):
        return states
    if isinstance(states, str):
        return {states}
    return set(states)


def check_instance_state(vm_state=None, task_state=(None,),
                         must_have_launched=True):
    """Allow the method only in the listed states, as Nova's decorator.

    :param vm_state: the vm_states allowed; None allows any.
    :param task_state: the task_states allowed (None in it means "no task
        under way"); None allows any. By default only an idle instance.
    :param must_have_launched: refuse an instance that never ran (a build
        that failed before its guest started).
    :raises: InstanceInvalidState (409) naming the attribute and its value.
    """
    vm_states_ok = _as_set(vm_state)
    task_states_ok = _as_set(task_state)

    def outer(func):
        @functools.wraps(func)
        def inner(self, context, instance, *args, **kwargs):
            refused = None
            if (vm_states_ok is not None and
                    instance.vm_state not in vm_states_ok):
                refused = ('vm_state', instance.vm_state)
            elif (task_states_ok is not None and
                    instance.task_state not in task_states_ok):
                refused = ('task_state', instance.task_state)
            elif must_have_launched and not instance.launched_at:
                refused = ('launched_at', instance.launched_at)
            if refused:
                raise exception.InstanceInvalidState(
                    attr=refused[0], state=refused[1],
                    instance_uuid=instance.uuid, method=func.__name__)
            return func(self, context, instance, *args, **kwargs)
        return inner
    return outer


def reject_instance_state(vm_state=None, task_state=None):
    """Refuse the method in any of the listed states (the reverse check).

    :raises: InstanceInvalidState (409).
    """
    vm_states_bad = _as_set(vm_state) or set()
    task_states_bad = _as_set(task_state) or set()

    def outer(func):
        @functools.wraps(func)
        def inner(self, context, instance, *args, **kwargs):
            for attr, bad in (('vm_state', vm_states_bad),
                              ('task_state', task_states_bad)):
                if getattr(instance, attr) in bad:
                    raise exception.InstanceInvalidState(
                        attr=attr, state=getattr(instance, attr),
                        instance_uuid=instance.uuid, method=func.__name__)
            return func(self, context, instance, *args, **kwargs)
        return inner
    return outer


def check_instance_host(func):
    """Refuse an instance placed on no host: nothing there to act on.

    :raises: InstanceNotReady (409).
    """
    @functools.wraps(func)
    def inner(self, context, instance, *args, **kwargs):
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return func(self, context, instance, *args, **kwargs)
    return inner


def check_instance_lock(func):
    """Refuse a locked instance to anyone but an admin.

    :raises: InstanceIsLocked (409).
    """
    @functools.wraps(func)
    def inner(self, context, instance, *args, **kwargs):
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        return func(self, context, instance, *args, **kwargs)
    return inner
