"""Compute API microversions: the history, the bounds, and version parsing.

A client asks for a microversion with ``OpenStack-API-Version: compute X.Y``
(or the legacy ``X-OpenStack-Nova-API-Version: X.Y``); without either it
gets the minimum, 2.1. Every change to a request or response body is a new
microversion, appended to ``VERSIONS`` with one line saying what changed;
``MAX_VERSION`` is always the last entry.
"""

import re

from nova_lite import exception

# NOTE: one entry per microversion, in order; the text is what a client sees
# change when it asks for that version. docs/microversions.md says where
# nova-lite serves each one, or that its resource is not part of nova-lite.
VERSIONS = [
    ('2.1', 'Initial version: the v2.0 API with strict input validation.'),
    ('2.2', 'Keypair type (ssh, x509); keypair create 201, delete 204.'),
    ('2.3', 'Servers show reservation_id, launch_index, hostname, kernel_id, '
            'ramdisk_id, root_device_name, user_data (OS-EXT-SRV-ATTR) to '
            'admins; volumes_attached gains delete_on_termination.'),
    ('2.4', 'os-fixed-ips shows "reserved".'),
    ('2.5', 'Non-admins may filter servers by ip6.'),
    ('2.6', 'os-remote-consoles replaces the per-protocol console actions.'),
    ('2.7', 'Adding access to a public flavor is 409.'),
    ('2.8', 'MKS remote console protocol.'),
    ('2.9', 'Servers show "locked".'),
    ('2.10', 'Admins may manage key pairs of other users (user_id).'),
    ('2.11', 'Services can be forced down.'),
    ('2.12', 'os-virtual-interfaces shows net_id.'),
    ('2.13', 'Server groups show user_id and project_id.'),
    ('2.14', 'evacuate drops onSharedStorage and returns no adminPass when '
             'none was generated.'),
    ('2.15', 'soft-affinity and soft-anti-affinity server group policies.'),
    ('2.16', 'Servers show host_status.'),
    ('2.17', 'trigger_crash_dump server action.'),
    ('2.18', 'The project id in URLs is optional.'),
    ('2.19', 'Servers have a description (create, update, rebuild, show).'),
    ('2.20', 'Volume attach/detach on shelved-offloaded servers.'),
    ('2.21', 'Instance actions of deleted servers.'),
    ('2.22', 'Force a running live migration to complete.'),
    ('2.23', 'Migrations show id and migration_type.'),
    ('2.24', 'Abort a running live migration.'),
    ('2.25', 'Live migration: block_migration "auto", no disk_over_commit.'),
    ('2.26', 'Server tags.'),
    ('2.27', 'The OpenStack-API-Version header.'),
    ('2.28', 'Hypervisors show cpu_info as an object.'),
    ('2.29', 'Forced evacuate.'),
    ('2.30', 'Forced live migration.'),
    ('2.31', 'Console auth tokens for every console type.'),
    ('2.32', 'Device tags on networks and block devices at create.'),
    ('2.33', 'Hypervisors list pagination.'),
    ('2.34', 'Live migration pre-checks run asynchronously.'),
    ('2.35', 'Key pairs list pagination (limit, marker).'),
    ('2.36', 'Proxy APIs to images, volumes and networks are gone.'),
    ('2.37', 'Server create requires networks: a list, "auto" or "none".'),
    ('2.38', 'An invalid status filter when listing servers is 400.'),
    ('2.39', 'No image-metadata quota on createImage.'),
    ('2.40', 'Simple tenant usage pagination.'),
    ('2.41', 'Aggregates show uuid.'),
    ('2.42', 'Device tags at create are back.'),
    ('2.43', 'os-hosts is deprecated.'),
    ('2.44', 'Network proxy actions are deprecated.'),
    ('2.45', 'createImage answers with the image id in the body.'),
    ('2.46', 'The caller\'s X-OpenStack-Request-ID is passed on as the '
             'global request id.'),
    ('2.47', 'Servers embed the flavor (vcpus, ram, disk, ephemeral, swap, '
             'original_name, extra_specs) instead of linking to it.'),
    ('2.48', 'Server diagnostics have a standard, driver-independent '
             'format.'),
    ('2.49', 'Volume attach accepts a device tag.'),
    ('2.50', 'Quota class sets show server_groups and server_group_members '
             'and drop the network quotas.'),
    ('2.51', 'volume-extended external event; instance action show lists '
             'events for every user (traceback for admins only).'),
    ('2.52', 'Tags may be given when creating a server.'),
    ('2.53', 'Services and hypervisors are identified by uuid; PUT '
             '/os-services/{id} replaces the enable/disable/force-down '
             'calls.'),
    ('2.54', 'Rebuild may set a new key pair (key_name).'),
    ('2.55', 'Flavors have a description (create, update with PUT, show).'),
    ('2.56', 'Cold migrate accepts a target host.'),
    ('2.57', 'personality is gone from create and rebuild; rebuild accepts '
             'user_data; personality limits and quotas are gone.'),
    ('2.58', 'Instance actions list: limit, marker, changes-since; actions '
             'show updated_at.'),
    ('2.59', 'Migrations list: limit, marker, changes-since; migrations '
             'show uuid.'),
    ('2.60', 'Multi-attach volumes.'),
    ('2.61', 'Flavor views include extra_specs (when policy allows).'),
    ('2.62', 'Instance action events show host (policy-controlled) and '
             'hostId.'),
    ('2.63', 'trusted_image_certificates at create and rebuild, shown in '
             'server views.'),
    ('2.64', 'Server groups take one policy plus rules instead of a list '
             'of policies.'),
    ('2.65', 'Abort live migrations that are queued or preparing.'),
    ('2.66', 'changes-before filter on servers, instance actions and '
             'migrations lists.'),
    ('2.67', 'block_device_mapping_v2 accepts volume_type.'),
    ('2.68', 'Forced live migration and forced evacuate are gone.'),
    ('2.69', 'Minimal server and service records when a cell is down.'),
    ('2.70', 'Device tags shown for volume attachments and interfaces.'),
    ('2.71', 'Server show, update and rebuild list the server_groups the '
             'server belongs to.'),
    ('2.72', 'Create servers with ports that have a resource request.'),
    ('2.73', 'Lock takes a locked_reason, shown in server views; locked '
             'is a servers list filter and sort key.'),
    ('2.74', 'Create accepts host and hypervisor_hostname (admin) to pick '
             'the destination.'),
    ('2.75', 'Unknown query or body parameters are 400; update and rebuild '
             'answer with the full server; flavor swap defaults to 0; '
             'hypervisors always list servers.'),
    ('2.76', 'power-update external event.'),
    ('2.77', 'Unshelve accepts an availability_zone.'),
    ('2.78', 'Server NUMA topology sub-resource.'),
    ('2.79', 'Volume attachments take and show delete_on_termination.'),
    ('2.80', 'Migrations show user_id and project_id and can be filtered '
             'by them.'),
    ('2.81', 'Pre-cache images on the hosts of an aggregate.'),
    ('2.82', 'accelerator-request-bound external event.'),
    ('2.83', 'Non-admins may filter servers by more fields '
             '(availability_zone, key_name, vm_state, ...).'),
    ('2.84', 'Instance action events show details (the fault message).'),
    ('2.85', 'Update a volume attachment\'s delete_on_termination.'),
    ('2.86', 'Known flavor extra spec keys are validated.'),
    ('2.87', 'Rescue of volume-backed servers.'),
    ('2.88', 'Hypervisors drop the resource usage fields, statistics and '
             'the uptime call; uptime moves into hypervisor show.'),
    ('2.89', 'Volume attachments show attachment_id and bdm_uuid, drop '
             'id.'),
    ('2.90', 'hostname at create, update and rebuild; '
             'OS-EXT-SRV-ATTR:hostname visible to every user.'),
    ('2.91', 'Unshelve to a host; unshelve may pin or unpin the '
             'availability zone.'),
    ('2.92', 'Key pairs can only be imported (no generation); names allow '
             '"@" and ".".'),
    ('2.93', 'Rebuild of volume-backed servers.'),
    ('2.94', 'hostname may be a fully qualified domain name.'),
    ('2.95', 'Evacuated servers that were stopped stay stopped.'),
    ('2.96', 'Server show and detail report pinned_availability_zone.'),
    ('2.97', 'Server shares (virtiofs) sub-resource.'),
    ('2.98', 'The server\'s image in show and detail embeds its '
             'properties.'),
    ('2.99', 'spice-direct console type.'),
    ('2.100', 'Server show, detail, update and rebuild report the '
              'scheduler_hints given at create.'),
]

MIN_VERSION = VERSIONS[0][0]
MAX_VERSION = VERSIONS[-1][0]
DEFAULT_VERSION = MIN_VERSION

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


class APIVersionRequest(object):
    """A microversion ``major.minor``; the null version has no value.

    The null version stands for "no bound" when it is the maximum of a
    range, and for "not negotiated" on a request.
    """

    def __init__(self, version_string=None):
        self.ver_major = 0
        self.ver_minor = 0
        if version_string is not None:
            match = _VERSION_RE.match(version_string)
            if not match:
                raise exception.InvalidAPIVersionString(
                    version=version_string)
            self.ver_major = int(match.group(1))
            self.ver_minor = int(match.group(2))

    def is_null(self):
        return self.ver_major == 0 and self.ver_minor == 0

    def _key(self):
        return (self.ver_major, self.ver_minor)

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __eq__(self, other):
        return (isinstance(other, APIVersionRequest) and
                self._key() == other._key())

    def __ne__(self, other):
        return not self == other

    def __gt__(self, other):
        return self._key() > other._key()

    def __ge__(self, other):
        return self._key() >= other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return 'APIVersionRequest(%s)' % (
            'null' if self.is_null() else self.get_string())

    def matches(self, min_version, max_version=None):
        """Whether this version lies in ``[min_version, max_version]``.

        A null (or missing) bound is open on that side.
        """
        if self.is_null():
            raise ValueError('A null version matches nothing.')
        if max_version is None or max_version.is_null():
            max_ok = True
        else:
            max_ok = self <= max_version
        min_ok = (min_version is None or min_version.is_null() or
                  self >= min_version)
        return min_ok and max_ok

    def get_string(self):
        if self.is_null():
            raise ValueError('A null version has no string.')
        return '%d.%d' % (self.ver_major, self.ver_minor)


def min_api_version():
    return APIVersionRequest(MIN_VERSION)


def max_api_version():
    return APIVersionRequest(MAX_VERSION)


def is_supported(req, min_version=MIN_VERSION, max_version=None):
    """Whether the request's negotiated microversion lies in the range."""
    max_ver = APIVersionRequest(max_version) if max_version else None
    return req.api_version_request.matches(
        APIVersionRequest(min_version), max_ver)
