"""Views of servers at each microversion: create, brief, full, lists.

The API says "server"; the objects underneath are instances.
"""

import hashlib

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.views import addresses as views_addresses
from nova_lite.compute import security_group_api
from nova_lite.image import meta as image_body
from nova_lite import objects
from nova_lite.policies import flavor_extra_specs as fes_policies
from nova_lite.policies import servers as server_policies
from nova_lite.states import vm_states

EXTENDED_ATTRIBUTES_POLICY = 'os_compute_api:os-extended-server-attributes'
HOST_STATUS_POLICY = server_policies.PREFIX % 'show:host_status'

_ISO_SECONDS = '%Y-%m-%dT%H:%M:%SZ'
_ISO_MICROSECONDS = '%Y-%m-%dT%H:%M:%S.%f'


def isotime(at):
    """'2013-09-03T04:01:32Z' for a UTC datetime; None stays None."""
    if at is None:
        return None
    return at.replace(tzinfo=None).strftime(_ISO_SECONDS)


def usage_time(at):
    """The OS-SRV-USG timestamps: naive, with microseconds, no 'Z'."""
    if at is None:
        return None
    return at.replace(tzinfo=None).strftime(_ISO_MICROSECONDS)


def generate_host_id(host, project_id):
    """The ``hostId`` of a server: the same for one project's servers on
    one host, and not revealing the host's name."""
    if not host:
        return ''
    return hashlib.sha224((str(project_id) + host).encode('utf-8')).hexdigest()


def _get(instance, name, default=None):
    """An instance attribute that older or partial objects may lack."""
    value = getattr(instance, name, default)
    return default if value is None else value


def network_info_of(instance):
    """The instance's VIFs: its ``network_info`` (kept on the instance
    row, so a list needs no query per server), or an ``info_cache`` as
    Nova's instances carry."""
    network_info = _get(instance, 'network_info')
    if network_info is None:
        info_cache = _get(instance, 'info_cache')
        network_info = (_get(info_cache, 'network_info', [])
                        if info_cache else [])
    return network_info


def image_properties_of(instance):
    """The image properties an instance was booted with (2.98)."""
    return image_body.properties_from_system_metadata(
        _get(instance, 'system_metadata', {}))


# Marks "not given": None is a valid request spec value (none recorded).
_LOAD = object()


class ViewBuilder(common.ViewBuilder):
    """Server bodies; ``compute_api`` answers host status (2.16)."""

    _collection_name = 'servers'

    _progress_statuses = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE',
                          'VERIFY_RESIZE', 'MIGRATING')
    _fault_statuses = ('ERROR', 'DELETED')

    def __init__(self, compute_api=None):
        self.compute_api = compute_api
        self._address_builder = views_addresses.ViewBuilder()

    # ---- whole bodies ------------------------------------------------------

    def create(self, request, instance, security_groups=None):
        """The 202 body of a create: id, links, disk config, groups."""
        return {
            'server': {
                'id': instance.uuid,
                'links': self._get_links(request, instance.uuid,
                                         self._collection_name),
                'OS-DCF:diskConfig': self._disk_config(instance),
                # NOTE: the groups are not applied yet; like Nova, answer
                # with what was asked for, or the default group.
                'security_groups': security_groups or [
                    {'name': security_group_api.DEFAULT}],
            },
        }

    def basic(self, request, instance, **kwargs):
        """The brief view of lists: id, name, links."""
        return {
            'server': {
                'id': instance.uuid,
                'name': instance.display_name,
                'links': self._get_links(request, instance.uuid,
                                         self._collection_name),
            },
        }

    def show(self, request, instance, extend_address=True,
             show_extra_specs=None, show_AZ=True, show_config_drive=True,
             show_extended_attr=None, show_host_status=None,
             show_keypair=True, show_srv_usg=True, show_sec_grp=True,
             show_extended_status=True, show_extended_volumes=True,
             show_server_groups=False, request_spec=_LOAD):
        """The full view of one server.

        The ``show_*`` switches leave out groups of attributes (the update
        answer before 2.75 has none of them); None means "if policy allows".
        ``request_spec`` (pinned zone 2.96, hints 2.100) is loaded when
        not given; lists give it, loaded for the whole page at once.
        """
        context = request.environ['nova.context']
        if show_extra_specs is None:
            show_extra_specs = self._can_show_extra_specs(request)
        ip_v4 = _get(instance, 'access_ip_v4')
        ip_v6 = _get(instance, 'access_ip_v6')
        server = {
            'id': instance.uuid,
            'name': instance.display_name,
            'status': self._get_vm_status(instance),
            'tenant_id': _get(instance, 'project_id', ''),
            'user_id': _get(instance, 'user_id', ''),
            'metadata': _get(instance, 'metadata', {}),
            'hostId': generate_host_id(_get(instance, 'host'),
                                       instance.project_id),
            'image': self._get_image(request, instance),
            'flavor': self._get_flavor(request, instance, show_extra_specs),
            'created': isotime(instance.created_at),
            'updated': isotime(_get(instance, 'updated_at')),
            'addresses': self._get_addresses(instance, extend_address),
            'accessIPv4': str(ip_v4) if ip_v4 is not None else '',
            'accessIPv6': str(ip_v6) if ip_v6 is not None else '',
            'links': self._get_links(request, instance.uuid,
                                     self._collection_name),
            'OS-DCF:diskConfig': self._disk_config(instance),
        }
        if server['status'] in self._fault_statuses:
            fault = self._get_fault(context, instance)
            if fault:
                server['fault'] = fault
        if server['status'] in self._progress_statuses:
            server['progress'] = _get(instance, 'progress', 0)

        if show_AZ:
            server['OS-EXT-AZ:availability_zone'] = _get(
                instance, 'availability_zone', '')
        if show_config_drive:
            server['config_drive'] = _get(instance, 'config_drive', '')
        if show_keypair:
            server['key_name'] = _get(instance, 'key_name')
        if show_srv_usg:
            server['OS-SRV-USG:launched_at'] = usage_time(
                _get(instance, 'launched_at'))
            server['OS-SRV-USG:terminated_at'] = usage_time(
                _get(instance, 'terminated_at'))
        if show_sec_grp:
            groups = self._get_security_groups(instance)
            if groups:
                server['security_groups'] = groups
        if show_extended_attr is None:
            show_extended_attr = context.can(
                EXTENDED_ATTRIBUTES_POLICY, fatal=False,
                target={'project_id': instance.project_id})
        if show_extended_attr:
            server.update(self._extended_attributes(request, instance))
        elif api_version_request.is_supported(request, '2.90'):
            # 2.90: the hostname is no secret any more.
            server['OS-EXT-SRV-ATTR:hostname'] = _get(instance, 'hostname')
        if show_extended_status:
            server['OS-EXT-STS:task_state'] = instance.task_state
            server['OS-EXT-STS:vm_state'] = instance.vm_state
            server['OS-EXT-STS:power_state'] = instance.power_state
        if show_extended_volumes:
            server['os-extended-volumes:volumes_attached'] = (
                self._get_volumes_attached(request, instance))
        if api_version_request.is_supported(request, '2.16'):
            if show_host_status is None:
                show_host_status = context.can(
                    HOST_STATUS_POLICY, fatal=False,
                    target={'project_id': instance.project_id})
            if show_host_status:
                server['host_status'] = (
                    self.compute_api.get_instance_host_status(instance))
        if api_version_request.is_supported(request, '2.9'):
            server['locked'] = bool(_get(instance, 'locked', False) or
                                    _get(instance, 'locked_by'))
        if api_version_request.is_supported(request, '2.19'):
            server['description'] = _get(instance, 'display_description')
        if api_version_request.is_supported(request, '2.26'):
            server['tags'] = [getattr(tag, 'tag', tag)
                              for tag in _get(instance, 'tags', [])]
        server.update(self._attributes_since_2_63(request, instance,
                                                  request_spec))
        # NOTE: show, update and rebuild only (2.71); lists leave it out,
        # as Nova does, so a list asks no query per server.
        if show_server_groups and api_version_request.is_supported(
                request, '2.71'):
            server['server_groups'] = (
                objects.InstanceGroupList.get_group_uuids_by_instances(
                    context, [instance.uuid]).get(instance.uuid, []))
        return {'server': server}

    def index(self, request, instances):
        """``GET /servers``: brief views and the next-page link."""
        return self._list_view(self.basic, request, instances,
                               self._collection_name)

    def detail(self, request, instances):
        """``GET /servers/detail``: full views and the next-page link.

        Policy questions are asked once for the whole list.
        """
        context = request.environ['nova.context']
        show_extended_attr = context.can(EXTENDED_ATTRIBUTES_POLICY,
                                         fatal=False)
        show_host_status = (
            api_version_request.is_supported(request, '2.16') and
            context.can(HOST_STATUS_POLICY, fatal=False))
        specs = {}
        if api_version_request.is_supported(request, '2.96'):
            # One query for the page's request specs, not one per server.
            specs = self.compute_api.get_request_specs(
                context, [instance.uuid for instance in instances])
        show_extra_specs = self._can_show_extra_specs(request)
        servers = [self.show(request, instance,
                             show_extra_specs=show_extra_specs,
                             show_extended_attr=show_extended_attr,
                             show_host_status=False,
                             request_spec=specs.get(instance.uuid))['server']
                   for instance in instances]
        result = {'servers': servers}
        links = self._get_collection_links(
            request, instances, self._collection_name + '/detail')
        if links:
            result['servers_links'] = links
        if show_host_status:
            statuses = self.compute_api.get_instances_host_statuses(
                instances)
            for server in result['servers']:
                if server['id'] in statuses:
                    server['host_status'] = statuses[server['id']]
        return result

    def _attributes_since_2_63(self, request, instance, request_spec):
        """The attributes microversions 2.63 to 2.100 add to a server."""
        attrs = {}
        if api_version_request.is_supported(request, '2.63'):
            # NOTE: nova-lite refuses certificates at create: none to show.
            attrs['trusted_image_certificates'] = None
        if api_version_request.is_supported(request, '2.73'):
            attrs['locked_reason'] = _get(
                instance, 'system_metadata', {}).get('locked_reason')
        if not api_version_request.is_supported(request, '2.96'):
            return attrs
        if request_spec is _LOAD:
            context = request.environ['nova.context']
            request_spec = self.compute_api.get_request_specs(
                context, [instance.uuid]).get(instance.uuid)
        attrs['pinned_availability_zone'] = (
            request_spec.get_default('availability_zone')
            if request_spec is not None else None)
        if api_version_request.is_supported(request, '2.100'):
            attrs['scheduler_hints'] = (
                dict(request_spec.get_default('scheduler_hints') or {})
                if request_spec is not None else {})
        return attrs

    def _list_view(self, func, request, instances, coll_name, **kwargs):
        servers = [func(request, instance, **kwargs)['server']
                   for instance in instances]
        result = {'servers': servers}
        links = self._get_collection_links(request, instances, coll_name)
        if links:
            result['servers_links'] = links
        return result

    # ---- parts -------------------------------------------------------------

    @staticmethod
    def _can_show_extra_specs(request):
        if not api_version_request.is_supported(request, '2.47'):
            return False
        context = request.environ['nova.context']
        return context.can(fes_policies.PREFIX % 'index', fatal=False)

    @staticmethod
    def _disk_config(instance):
        return 'AUTO' if _get(instance, 'auto_disk_config') else 'MANUAL'

    @staticmethod
    def _get_vm_status(instance):
        # A deleted server is DELETED whatever its states say.
        if _get(instance, 'deleted'):
            return 'DELETED'
        return common.status_from_state(instance.vm_state,
                                        instance.task_state)

    def _get_addresses(self, instance, extend_address):
        # NOTE: addresses are hidden while building: they may still change.
        if instance.vm_state == vm_states.BUILDING:
            return {}
        networks = views_addresses.networks_from_nw_info(
            network_info_of(instance))
        return self._address_builder.index(networks,
                                           extend_address)['addresses']

    def _get_image(self, request, instance):
        image_ref = _get(instance, 'image_ref')
        if not image_ref:
            # Booted from a volume.
            return ''
        image_id = str(common.get_id_from_href(image_ref))
        image = {
            'id': image_id,
            'links': [{'rel': 'bookmark',
                       'href': self._get_bookmark_link(request, image_id,
                                                       'images')}],
        }
        if api_version_request.is_supported(request, '2.98'):
            # The properties kept at boot: no image service call per server.
            image['properties'] = image_properties_of(instance)
        return image

    def _get_flavor(self, request, instance, show_extra_specs):
        flavor = _get(instance, 'flavor')
        if not flavor:
            return {}
        if api_version_request.is_supported(request, '2.47'):
            flavor_dict = {
                'vcpus': flavor.vcpus,
                'ram': flavor.memory_mb,
                'disk': flavor.root_gb,
                'ephemeral': flavor.ephemeral_gb,
                'swap': flavor.swap,
                'original_name': flavor.name,
            }
            if show_extra_specs:
                flavor_dict['extra_specs'] = dict(
                    _get(flavor, 'extra_specs', {}))
            return flavor_dict
        return {
            'id': str(flavor.flavorid),
            'links': [{'rel': 'bookmark',
                       'href': self._get_bookmark_link(
                           request, flavor.flavorid, 'flavors')}],
        }

    @staticmethod
    def _get_fault(context, instance):
        fault = _get(instance, 'fault')
        if not fault:
            return None
        fault_dict = {
            'code': fault.code,
            'created': isotime(fault.created_at),
            'message': fault.message,
        }
        # NOTE: details of a 500 are a traceback: for admins only.
        if _get(fault, 'details') and (
                getattr(context, 'is_admin', False) or fault.code != 500):
            fault_dict['details'] = fault.details
        return fault_dict

    @staticmethod
    def _get_security_groups(instance):
        # NOTE: as Nova with Neutron, the groups are those of the server's
        # ports, so a server without ports (or whose group was removed)
        # has none, and no key.
        return [{'name': name}
                for name in security_group_api.names(instance)]

    @staticmethod
    def _get_volumes_attached(request, instance):
        with_delete_flag = api_version_request.is_supported(request, '2.3')
        volumes = []
        for bdm in _get(instance, 'volumes_attached', []):
            volume = {'id': bdm['volume_id']}
            if with_delete_flag:
                volume['delete_on_termination'] = bool(
                    bdm.get('delete_on_termination'))
            volumes.append(volume)
        return volumes

    @staticmethod
    def _extended_attributes(request, instance):
        attrs = {
            'OS-EXT-SRV-ATTR:host': _get(instance, 'host'),
            'OS-EXT-SRV-ATTR:instance_name': instance.name,
            'OS-EXT-SRV-ATTR:hypervisor_hostname': _get(instance, 'node'),
        }
        if api_version_request.is_supported(request, '2.3'):
            # NOTE: nova-lite boots whole-disk images: no kernel/ramdisk
            # ids, which Nova shows as ''.
            for name, default in (('reservation_id', None),
                                  ('launch_index', None),
                                  ('hostname', None),
                                  ('kernel_id', ''),
                                  ('ramdisk_id', ''),
                                  ('root_device_name', None),
                                  ('user_data', None)):
                attrs['OS-EXT-SRV-ATTR:%s' % name] = getattr(
                    instance, name, default)
        return attrs
