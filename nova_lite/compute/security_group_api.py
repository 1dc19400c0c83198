"""The security groups of a server: nova-lite's one group, ``default``.

nova-lite's networks filter no traffic by group. As with Neutron, a
server's ports start in their project's ``default`` group, and
addSecurityGroup / removeSecurityGroup change that membership, which the
server's ``security_groups`` then shows (none, and no key, once removed).
The membership is a key of the instance's system metadata: it lives and
dies with the instance, with no table of its own.
"""

from oslo_serialization import jsonutils

from nova_lite import exception

DEFAULT = 'default'
_KEY = 'security_groups'


def _has_ports(instance):
    return bool(getattr(instance, 'network_info', None))


def names(instance):
    """The groups of the server's ports: none when it has no ports."""
    if not _has_ports(instance):
        return []
    stored = (instance.system_metadata or {}).get(_KEY)
    return jsonutils.loads(stored) if stored is not None else [DEFAULT]


def check_exists(name):
    """:raises: SecurityGroupNotFound for a group other than ``default``.
    """
    if name != DEFAULT:
        raise exception.SecurityGroupNotFound(security_group_id=name)


def _save(instance, groups):
    system_metadata = dict(instance.system_metadata or {})
    system_metadata[_KEY] = jsonutils.dumps(groups)
    instance.system_metadata = system_metadata
    instance.save()


def add(instance, name):
    """Put the server's ports in group ``name``.

    :raises: SecurityGroupNotFound, SecurityGroupExistsForInstance, and
        SecurityGroupNoPorts for a server without ports.
    """
    check_exists(name)
    if not _has_ports(instance):
        raise exception.SecurityGroupNoPorts(instance_id=instance.uuid)
    groups = names(instance)
    if name in groups:
        raise exception.SecurityGroupExistsForInstance(
            security_group_id=name, instance_id=instance.uuid)
    _save(instance, groups + [name])


def remove(instance, name):
    """Take the server's ports out of group ``name``.

    :raises: SecurityGroupNotFound, SecurityGroupNotExistsForInstance.
    """
    check_exists(name)
    groups = names(instance)
    if name not in groups:
        raise exception.SecurityGroupNotExistsForInstance(
            security_group_id=name, instance_id=instance.uuid)
    _save(instance, [group for group in groups if group != name])
