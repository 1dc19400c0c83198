"""The /limits view: Nova's absolute limits and their usage."""

from nova_lite.api.openstack import api_version_request

# NOTE: quota resource -> the names /limits shows its limit under.
_LIMIT_NAMES = {
    'ram': ['maxTotalRAMSize'],
    'instances': ['maxTotalInstances'],
    'cores': ['maxTotalCores'],
    'key_pairs': ['maxTotalKeypairs'],
    'floating_ips': ['maxTotalFloatingIps'],
    'metadata_items': ['maxServerMeta', 'maxImageMeta'],
    'injected_files': ['maxPersonality'],
    'injected_file_content_bytes': ['maxPersonalitySize'],
    'security_groups': ['maxSecurityGroups'],
    'security_group_rules': ['maxSecurityGroupRules'],
    'server_groups': ['maxServerGroups'],
    'server_group_members': ['maxServerGroupMembers'],
}

_USED_NAMES = {
    'ram': 'totalRAMUsed',
    'cores': 'totalCoresUsed',
    'instances': 'totalInstancesUsed',
    'floating_ips': 'totalFloatingIpsUsed',
    'security_groups': 'totalSecurityGroupsUsed',
    'server_groups': 'totalServerGroupsUsed',
}

# NOTE: what each microversion took away: 2.36 the proxies to the network
# service, 2.39 the image proxy, 2.57 file injection.
_REMOVED = (
    ('2.36', ('maxTotalFloatingIps', 'maxSecurityGroups',
              'maxSecurityGroupRules', 'totalFloatingIpsUsed',
              'totalSecurityGroupsUsed')),
    ('2.39', ('maxImageMeta',)),
    ('2.57', ('maxPersonality', 'maxPersonalitySize')),
)


def absolute(request, quotas, used):
    """``limits.absolute`` for the request's microversion.

    :param quotas: {resource: limit}; a resource missing shows as -1.
    :param used: {resource: in use}; a resource missing shows as 0.
    """
    view = {}
    for resource, names in _LIMIT_NAMES.items():
        for name in names:
            view[name] = quotas.get(resource, -1)
    for resource, name in _USED_NAMES.items():
        view[name] = used.get(resource, 0)
    for version, names in _REMOVED:
        if api_version_request.is_supported(request, version):
            for name in names:
                view.pop(name, None)
    return view


def build(request, quotas, used):
    return {'limits': {'rate': [],
                       'absolute': absolute(request, quotas, used)}}
