"""The /servers controller: create, list, show, update, delete, and the
power actions (os-stop, os-start, reboot), resize (with confirmResize and
revertResize) and rebuild of /servers/{id}/action."""

import functools
import secrets

import netaddr
from oslo_log import log as logging
from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import servers as schema
from nova_lite.api.openstack.compute.views import servers as views_servers
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.compute import security_group_api
import nova_lite.conf
from nova_lite import exception
from nova_lite.policies import servers as server_policies

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)

SERVERS = server_policies.PREFIX
TAG_SEARCH_FILTERS = ('tags', 'tags-any', 'not-tags', 'not-tags-any')
PAGING_SORTING_PARAMS = ('sort_key', 'sort_dir', 'limit', 'marker')

# NOTE: Nova's default symbol groups: no look-alikes (0/O, 1/l/I).
_PASSWORD_SYMBOLS = ('23456789', 'ABCDEFGHJKLMNPQRSTUVWXYZ',
                     'abcdefghijkmnopqrstuvwxyz')
_PASSWORD_LENGTH = 12


def generate_password(length=_PASSWORD_LENGTH):
    """A random password with at least one symbol of each group."""
    chars = [secrets.choice(group) for group in _PASSWORD_SYMBOLS]
    alphabet = ''.join(_PASSWORD_SYMBOLS)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    # Shuffle so the guaranteed symbols are not always first.
    return ''.join(secrets.SystemRandom().sample(chars, len(chars)))


def response_body_schemas(responses):
    """``@validation.response_body_schema`` for each (schema, min, max)
    of ``responses``: the server body changes with many versions."""
    def decorate(func):
        for response_schema, low, high in responses:
            func = validation.response_body_schema(response_schema, low,
                                                   high)(func)
        return func
    return decorate


class ServersController(wsgi.Controller):
    """Servers: the API's word for instances."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()
        self._view_builder = views_servers.ViewBuilder(self.compute_api)

    # ---- list --------------------------------------------------------------

    @wsgi.expected_errors((400, 403))
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.query_schema(schema.index_query_v273, '2.73', '2.74')
    @validation.query_schema(schema.index_query_v266, '2.66', '2.72')
    @validation.query_schema(schema.index_query_v226, '2.26', '2.65')
    @validation.query_schema(schema.index_query, '2.1', '2.25')
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """Brief list of the caller's servers (all projects' for admins
        asking ``all_tenants``)."""
        context = req.environ['nova.context']
        context.can(SERVERS % 'index')
        return self._get_servers(req, is_detail=False)

    @wsgi.expected_errors((400, 403))
    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.query_schema(schema.index_query_v273, '2.73', '2.74')
    @validation.query_schema(schema.index_query_v266, '2.66', '2.72')
    @validation.query_schema(schema.index_query_v226, '2.26', '2.65')
    @validation.query_schema(schema.index_query, '2.1', '2.25')
    @response_body_schemas(schema.detail_responses)
    def detail(self, req):
        """Full list of the caller's servers."""
        context = req.environ['nova.context']
        context.can(SERVERS % 'detail')
        return self._get_servers(req, is_detail=True)

    def _get_servers(self, req, is_detail):
        context = req.environ['nova.context']
        search_opts = dict(req.GET)
        _remove_invalid_options(context, search_opts,
                                self._allowed_search_options(req))

        for opt in search_opts:
            if (opt in schema.JOINED_TABLE_QUERY_PARAMS_SERVERS or
                    opt.startswith('_')):
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid filter field: %s.' % opt)

        search_opts.pop('status', None)
        if 'status' in req.GET:
            vm_state, task_state = common.task_and_vm_state_from_status(
                req.GET.getall('status'))
            if not vm_state and not task_state:
                if api_version_request.is_supported(req, '2.38'):
                    raise webob.exc.HTTPBadRequest(
                        explanation='Invalid status value')
                return {'servers': []}
            search_opts['vm_state'] = vm_state
            # NOTE: 'default' means any task state: no task filter then.
            if 'default' not in task_state:
                search_opts['task_state'] = task_state

        for opt in ('changes-since', 'changes-before'):
            if opt in search_opts:
                try:
                    search_opts[opt] = timeutils.parse_isotime(
                        search_opts[opt])
                except ValueError:
                    raise webob.exc.HTTPBadRequest(
                        explanation='Invalid filter field: %s.' % opt)
        if ('changes-since' in search_opts and
                'changes-before' in search_opts and
                search_opts['changes-before'] <
                search_opts['changes-since']):
            raise webob.exc.HTTPBadRequest(
                explanation='The value of changes-since must be less than '
                            'or equal to changes-before.')

        # NOTE: deleted servers are listed only when asked for, or when
        # changes-since/-before ask what changed (deletions included).
        if 'deleted' not in search_opts:
            if ('changes-since' not in search_opts and
                    'changes-before' not in search_opts):
                search_opts['deleted'] = False
        else:
            search_opts['deleted'] = strutils.bool_from_string(
                search_opts['deleted'], default=False)
        if search_opts.get('vm_state') == ['deleted']:
            if not context.is_admin:
                raise webob.exc.HTTPForbidden(
                    explanation='Only administrators may list deleted '
                                'instances')
            search_opts['deleted'] = True

        if api_version_request.is_supported(req, '2.26'):
            for tag_filter in TAG_SEARCH_FILTERS:
                if tag_filter in search_opts:
                    search_opts[tag_filter] = search_opts[
                        tag_filter].split(',')

        all_tenants = common.is_all_tenants(search_opts)
        search_opts.pop('all_tenants', None)
        if 'locked' in search_opts:
            try:
                search_opts['locked'] = strutils.bool_from_string(
                    search_opts['locked'], strict=True)
            except ValueError as err:
                raise webob.exc.HTTPBadRequest(explanation=str(err))
        list_context = context
        if all_tenants:
            policy = 'detail:get_all_tenants' if is_detail else (
                'index:get_all_tenants')
            context.can(SERVERS % policy)
            list_context = context.elevated()
        else:
            # NOTE: without all_tenants, tenant_id must not widen the list.
            search_opts.pop('tenant_id', None)
            if context.project_id:
                search_opts['project_id'] = context.project_id
            else:
                search_opts['user_id'] = context.user_id

        limit, marker = common.get_limit_and_marker(req)
        sort_keys, sort_dirs = common.get_sort_params(req.params)
        ignored = schema.SERVER_LIST_IGNORE_SORT_KEY
        if api_version_request.is_supported(req, '2.73'):
            ignored = schema.SERVER_LIST_IGNORE_SORT_KEY_V273
        sort_keys, sort_dirs = _remove_invalid_sort_keys(
            context, sort_keys, sort_dirs, ignored, ('host', 'node'))

        try:
            instances = self.compute_api.get_all(
                list_context, search_opts=search_opts, limit=limit,
                marker=marker, sort_keys=sort_keys, sort_dirs=sort_dirs)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)
        except (exception.InvalidInput, exception.InvalidSortKey) as err:
            raise webob.exc.HTTPBadRequest(explanation=err.format_message())
        if is_detail:
            return self._view_builder.detail(req, instances)
        return self._view_builder.index(req, instances)

    @staticmethod
    def _allowed_search_options(req):
        """Filters a non-admin may use; admins may use any."""
        options = ('reservation_id', 'name', 'status', 'image', 'flavor',
                   'ip', 'changes-since', 'all_tenants')
        if api_version_request.is_supported(req, '2.5'):
            options += ('ip6',)
        if api_version_request.is_supported(req, '2.26'):
            options += TAG_SEARCH_FILTERS
        if api_version_request.is_supported(req, '2.66'):
            options += ('changes-before',)
        if api_version_request.is_supported(req, '2.73'):
            options += ('locked',)
        if api_version_request.is_supported(req, '2.83'):
            options += ('availability_zone', 'config_drive', 'key_name',
                        'created_at', 'launched_at', 'terminated_at',
                        'power_state', 'task_state', 'vm_state', 'progress',
                        'user_id')
        if api_version_request.is_supported(req, '2.90'):
            options += ('hostname',)
        return options

    # ---- one server --------------------------------------------------------

    def _get_server(self, context, server_id, expected_attrs=None):
        """The instance behind ``server_id``.

        :raises: InstanceNotFound (404) for a malformed id, an unknown one,
            or (for non-admins) another project's server.
        """
        if not uuidutils.is_uuid_like(server_id):
            raise exception.InstanceNotFound(instance_id=server_id)
        return self.compute_api.get(context, server_id,
                                    expected_attrs=expected_attrs)

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @response_body_schemas(schema.show_responses)
    def show(self, req, id):
        """One server in full, with its fault when it is in ERROR."""
        context = req.environ['nova.context']
        instance = self._get_server(context, id, expected_attrs=['fault'])
        context.can(SERVERS % 'show', target=_target(instance))
        return self._view_builder.show(req, instance,
                                       show_server_groups=True)

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create, '2.1', '2.18')
    @validation.schema(schema.create_v219, '2.19', '2.31')
    @validation.schema(schema.create_v232, '2.32', '2.32')
    @validation.schema(schema.create_v233, '2.33', '2.36')
    @validation.schema(schema.create_v237, '2.37', '2.41')
    @validation.schema(schema.create_v242, '2.42', '2.51')
    @validation.schema(schema.create_v252, '2.52', '2.56')
    @validation.schema(schema.create_v257, '2.57', '2.62')
    @validation.schema(schema.create_v263, '2.63', '2.66')
    @validation.schema(schema.create_v267, '2.67', '2.73')
    @validation.schema(schema.create_v274, '2.74', '2.89')
    @validation.schema(schema.create_v290, '2.90', '2.93')
    @validation.schema(schema.create_v294, '2.94')
    @validation.response_body_schema(schema.create_response, '2.1')
    def create(self, req, body):
        """Boot one or more servers; 202 before any of them runs."""
        context = req.environ['nova.context']
        server_dict = body['server']
        password = (server_dict['adminPass'] if 'adminPass' in server_dict
                    else generate_password())
        name = common.normalize_name(server_dict['name'])
        description = name
        if api_version_request.is_supported(req, '2.19'):
            description = server_dict.get('description')

        min_count = int(server_dict.get('min_count', 1))
        max_count = int(server_dict.get('max_count', min_count))
        if min_count > max_count:
            raise webob.exc.HTTPBadRequest(
                explanation='min_count must be <= max_count')

        availability_zone = server_dict.get('availability_zone')
        target = {'project_id': context.project_id,
                  'user_id': context.user_id,
                  'availability_zone': availability_zone}
        context.can(SERVERS % 'create', target)
        if availability_zone and ':' in availability_zone:
            # "zone:host[:node]" places the server by hand: admins only.
            context.can(SERVERS % 'create:forced_host', {})
        requested_host = server_dict.get('host')
        requested_node = server_dict.get('hypervisor_hostname')
        if requested_host or requested_node:
            context.can(server_policies.REQUESTED_DESTINATION, {})
            # "zone:host:node" names a destination too: one way at a time.
            forced = (availability_zone or '').split(':')[1:]
            if any(forced):
                raise webob.exc.HTTPBadRequest(
                    explanation='host and hypervisor_hostname cannot be '
                                'combined with an availability zone of the '
                                'form zone:host:node.')
        if server_dict.get('trusted_image_certificates'):
            # NOTE: nova-lite verifies no image signatures; accepting
            # certificates it would never check would mislead the caller.
            raise webob.exc.HTTPBadRequest(
                explanation='Image signature certificate validation is not '
                            'supported.')

        if server_dict.get('block_device_mapping'):
            raise webob.exc.HTTPBadRequest(
                explanation='Block device mappings are not supported.')
        image_href = _image_from_block_devices(
            server_dict.get('imageRef'),
            server_dict.get('block_device_mapping_v2'))
        if server_dict.get('personality'):
            self._check_personality(context, server_dict['personality'])
            LOG.warning('Ignoring personality files of server %s: file '
                        'injection is not supported; use user_data.', name)
        _check_security_groups(server_dict.get('security_groups'))
        if not image_href:
            raise webob.exc.HTTPBadRequest(
                explanation='Missing imageRef attribute')

        config_drive = server_dict.get('config_drive')
        if config_drive is not None:
            config_drive = strutils.bool_from_string(config_drive)
        return_reservation_id = strutils.bool_from_string(
            server_dict.get('return_reservation_id', False))
        flavor_ref = common.get_id_from_href(server_dict['flavorRef'])

        try:
            flavor = self.compute_api.get_flavor_for_create(context,
                                                            flavor_ref)
            instances, reservation_id = self.compute_api.create(
                context, flavor, image_href,
                name=name,
                description=description,
                key_name=server_dict.get('key_name'),
                user_data=server_dict.get('user_data'),
                metadata=server_dict.get('metadata', {}),
                availability_zone=availability_zone,
                min_count=min_count,
                max_count=max_count,
                access_ip_v4=server_dict.get('accessIPv4'),
                access_ip_v6=_normalize_ipv6(server_dict.get('accessIPv6')),
                config_drive=config_drive,
                requested_networks=_requested_networks(
                    server_dict.get('networks')),
                scheduler_hints=_scheduler_hints(body),
                admin_password=password,
                return_reservation_id=return_reservation_id,
                tags=server_dict.get('tags'),
                hostname=server_dict.get('hostname'),
                requested_host=requested_host,
                requested_hypervisor_hostname=requested_node)
        except exception.ImageNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Can not find requested image')
        except exception.KeypairNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid key_name provided.')
        except (exception.NotFound,
                exception.FixedIpAlreadyInUse) as error:
            # NOTE: whatever a create request names but is missing (flavor,
            # network, port, ...) is a fault of the request, not a missing
            # URL; so is a fixed IP another server holds (Nova answers 400
            # for it on create, 409 only when attaching an interface).
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())

        if return_reservation_id:
            return wsgi.ResponseObject({'reservation_id': reservation_id})

        server = self._view_builder.create(
            req, instances[0], server_dict.get('security_groups'))
        if CONF.api.enable_instance_password:
            server['server']['adminPass'] = password
        robj = wsgi.ResponseObject(server)
        robj['Location'] = server['server']['links'][0]['href']
        return robj

    @wsgi.expected_errors((400, 404))
    @validation.schema(schema.update, '2.1', '2.18')
    @validation.schema(schema.update_v219, '2.19', '2.89')
    @validation.schema(schema.update_v290, '2.90', '2.93')
    @validation.schema(schema.update_v294, '2.94')
    @response_body_schemas(schema.update_responses)
    def update(self, req, id, body):
        """Rename a server, or change its description or access IPs."""
        context = req.environ['nova.context']
        instance = self._get_server(context, id)
        context.can(SERVERS % 'update', target=_target(instance))

        server = body['server']
        updates = {}
        if 'name' in server:
            updates['display_name'] = common.normalize_name(server['name'])
        if 'description' in server:
            # None removes the description.
            updates['display_description'] = server['description']
        if 'accessIPv4' in server:
            updates['access_ip_v4'] = server['accessIPv4']
        if 'accessIPv6' in server:
            updates['access_ip_v6'] = _normalize_ipv6(server['accessIPv6'])
        if 'hostname' in server:
            updates['hostname'] = server['hostname']
        # NOTE: OS-DCF:diskConfig is accepted but not kept: nova-lite
        # instances have no auto_disk_config (always MANUAL).

        try:
            instance = self.compute_api.update_instance(context, instance,
                                                        updates)
        except exception.InstanceNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Instance could not be found')
        if api_version_request.is_supported(req, '2.75'):
            # 2.75: the answer is the server as show gives it.
            instance = self._get_server(context, id,
                                        expected_attrs=['fault'])
            return self._view_builder.show(req, instance,
                                           show_server_groups=True)
        # NOTE: before 2.75 the answer leaves out every attribute that came
        # from a v2.0 extension (addresses' types, AZ, states, ...).
        return self._view_builder.show(
            req, instance, extend_address=False, show_AZ=False,
            show_config_drive=False, show_extended_attr=False,
            show_host_status=False, show_keypair=False,
            show_srv_usg=False, show_sec_grp=False,
            show_extended_status=False, show_extended_volumes=False,
            show_server_groups=True)

    @wsgi.response(204)
    @wsgi.expected_errors((404, 409))
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Delete a server; it goes away asynchronously."""
        context = req.environ['nova.context']
        try:
            instance = self._get_server(context, id)
            context.can(SERVERS % 'delete', target=_target(instance))
            self._delete(context, instance)
        except exception.InstanceNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Instance could not be found')
        except exception.InstanceIsLocked as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())

    def _delete(self, context, instance):
        """Delete softly when ``[DEFAULT] reclaim_instance_interval`` is
        set, as Nova does; a server that cannot be soft deleted (busy, never
        launched, soft deleted already) is deleted for good."""
        if CONF.reclaim_instance_interval > 0:
            try:
                self.compute_api.soft_delete(context, instance)
                return
            except exception.InstanceIsLocked:
                raise
            except exception.InstanceInvalidState:
                pass
        self.compute_api.delete(context, instance)

    # ---- power actions (POST /servers/{id}/action) -------------------------
    #
    # NOTE: Nova keeps these three on the servers controller; the other
    # server actions each live in their own controller module, merged into
    # one action resource by the route table
    # (routes.SERVER_ACTION_CONTROLLERS).

    def _act(self, req, id, action, call, *args):
        """Look the server up, check the ``action`` policy, run ``call``;
        answer a refusal with 409 in Nova's words."""
        context = req.environ['nova.context']
        instance = self._get_server(context, id)
        context.can(SERVERS % action, target=_target(instance))
        common.act_on_instance(action, id, call, context, instance, *args)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409))
    @wsgi.action('os-stop')
    @validation.schema(schema.stop_server)
    @validation.response_body_schema(schema.stop_server_response)
    def _stop_server(self, req, id, body):
        """Power a server off; it goes to SHUTOFF."""
        self._act(req, id, 'stop', self.compute_api.stop)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409))
    @wsgi.action('os-start')
    @validation.schema(schema.start_server)
    @validation.response_body_schema(schema.start_server_response)
    def _start_server(self, req, id, body):
        """Power a stopped server on; it goes back to ACTIVE."""
        self._act(req, id, 'start', self.compute_api.start)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409))
    @wsgi.action('reboot')
    @validation.schema(schema.reboot)
    @validation.response_body_schema(schema.reboot_response)
    def _action_reboot(self, req, id, body):
        """Reboot a server, SOFT (through its OS) or HARD."""
        reboot_type = body['reboot']['type'].upper()
        self._act(req, id, 'reboot', self.compute_api.reboot, reboot_type)

    # ---- resize, confirmResize, revertResize, rebuild ----------------------
    #
    # NOTE: Nova keeps these on the servers controller too. A resize is
    # scheduled before the answer (the conductor's migrate_server is a
    # call), so "no host fits" is this request's 400, as in Nova.

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409, 503))
    @wsgi.action('resize')
    @validation.schema(schema.resize)
    @validation.response_body_schema(schema.resize_response)
    def _action_resize(self, req, id, body):
        """Resize a server to another flavor; it goes to VERIFY_RESIZE."""
        flavor_ref = common.get_id_from_href(
            str(body['resize']['flavorRef']))
        try:
            self._act(req, id, 'resize', self.compute_api.resize,
                      flavor_ref)
        except exception.NoValidHost as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        except exception.ConductorTimeout as error:
            # NOTE: the server was put back as it was (compute.api).
            raise webob.exc.HTTPServiceUnavailable(
                explanation=error.format_message())

    @wsgi.response(204)
    @wsgi.expected_errors((400, 404, 409))
    @wsgi.action('confirmResize')
    @validation.schema(schema.confirm_resize)
    @validation.response_body_schema(schema.confirm_resize_response)
    def _action_confirm_resize(self, req, id, body):
        """Keep a resized server (VERIFY_RESIZE -> ACTIVE)."""
        try:
            self._act(req, id, 'confirm_resize',
                      self.compute_api.confirm_resize)
        except exception.MigrationNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Instance has not been resized.')

    @wsgi.response(202)
    @wsgi.expected_errors((400, 404, 409))
    @wsgi.action('revertResize')
    @validation.schema(schema.revert_resize)
    @validation.response_body_schema(schema.revert_resize_response)
    def _action_revert_resize(self, req, id, body):
        """Go back to the old flavor and host (VERIFY_RESIZE -> ACTIVE)."""
        try:
            self._act(req, id, 'revert_resize',
                      self.compute_api.revert_resize)
        except exception.MigrationNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Instance has not been resized.')

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('rebuild')
    @validation.schema(schema.rebuild, '2.1', '2.18')
    @validation.schema(schema.rebuild_v219, '2.19', '2.53')
    @validation.schema(schema.rebuild_v254, '2.54', '2.56')
    @validation.schema(schema.rebuild_v257, '2.57', '2.62')
    @validation.schema(schema.rebuild_v263, '2.63', '2.89')
    @validation.schema(schema.rebuild_v290, '2.90', '2.93')
    @validation.schema(schema.rebuild_v294, '2.94')
    @validation.response_body_schema(schema.rebuild_response, '2.1', '2.53')
    @validation.response_body_schema(schema.rebuild_response_v254,
                                     '2.54', '2.56')
    @validation.response_body_schema(schema.rebuild_response_v257, '2.57')
    def _action_rebuild(self, req, id, body):
        """Rebuild a server from an image; answers with the server."""
        context = req.environ['nova.context']
        rebuild = body['rebuild']
        instance = self._get_server(context, id)
        context.can(SERVERS % 'rebuild', target=_target(instance))
        password = rebuild.get('adminPass') or generate_password()
        kwargs = _rebuild_kwargs(req, context, rebuild,
                                 self._check_personality)
        try:
            common.act_on_instance(
                'rebuild', id, functools.partial(self.compute_api.rebuild,
                                                 **kwargs),
                context, instance, rebuild['imageRef'], password)
        except exception.ImageNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Cannot find image for rebuild')
        except exception.KeypairNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid key_name provided.')
        instance = self._get_server(context, id, expected_attrs=['fault'])
        if api_version_request.is_supported(req, '2.75'):
            # NOTE: from 2.75 the answer is the show view, as Nova's.
            view = self._view_builder.show(req, instance,
                                           show_server_groups=True)
        else:
            view = self._view_builder.show(
                req, instance, extend_address=False, show_AZ=False,
                show_config_drive=False, show_extended_attr=False,
                show_host_status=False, show_keypair=False,
                show_srv_usg=False, show_sec_grp=False,
                show_extended_status=False, show_extended_volumes=False,
                show_server_groups=True)
        # NOTE: as Nova, the answer states what a rebuild may have changed
        # even where the view would leave it out: the key pair from 2.54
        # (before 2.75 the view has no key_name), the user data from 2.57.
        if api_version_request.is_supported(req, '2.54'):
            view['server']['key_name'] = instance.key_name
        if api_version_request.is_supported(req, '2.57'):
            # NOTE: as plain ``user_data`` only: Nova's rebuild view leaves
            # the admin's OS-EXT-SRV-ATTR:user_data out, and tempest's 2.75
            # rebuild schema refuses it.
            view['server'].pop('OS-EXT-SRV-ATTR:user_data', None)
            view['server']['user_data'] = instance.user_data
        if CONF.api.enable_instance_password:
            view['server']['adminPass'] = password
        return view

    def _check_personality(self, context, files):
        """Personality files within the caller's injected file quota.

        :raises: HTTPForbidden as Nova's: too many files, a path or
            contents too long.
        """
        try:
            self.compute_api.check_injected_file_quota(context, files)
        except exception.OnsetFileLimitExceeded as error:
            raise webob.exc.HTTPForbidden(explanation=error.format_message())

    # ---- createImage (POST /servers/{id}/action) ---------------------------

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('createImage')
    @validation.schema(schema.create_image)
    @validation.response_body_schema(schema.create_image_response,
                                     '2.1', '2.44')
    @validation.response_body_schema(schema.create_image_response_v245,
                                     '2.45')
    def _action_create_image(self, req, id, body):
        """Snapshot a server into a new image of the image service.

        Before 2.45 the answer is 202 with the image's URL in
        ``Location``; from 2.45 a body ``{"image_id": ...}`` instead.
        """
        context = req.environ['nova.context']
        instance = self._get_server(context, id)
        context.can(SERVERS % 'create_image', target=_target(instance))
        entity = body['createImage']
        metadata = entity.get('metadata', {})
        common.check_image_metadata_quota(req, self.compute_api, context,
                                          metadata)
        image = common.act_on_instance(
            'createImage', id, self.compute_api.snapshot, context, instance,
            entity['name'], metadata)
        image_id = str(image['id'])
        if api_version_request.is_supported(req, '2.45'):
            return wsgi.ResponseObject({'image_id': image_id}, code=202)
        response = wsgi.ResponseObject(None, code=202)
        response['Location'] = _image_url(image_id)
        return response


def _rebuild_kwargs(req, context, rebuild, check_personality):
    """What a rebuild changes besides the image, as the compute API's
    keyword arguments, by microversion.

    :raises: HTTPBadRequest for trusted image certificates, which
        nova-lite cannot verify (only null is accepted).
    """
    kwargs = {}
    if 'name' in rebuild:
        kwargs['display_name'] = common.normalize_name(rebuild['name'])
    for key, field in (('metadata', 'metadata'),
                       ('accessIPv4', 'access_ip_v4')):
        if key in rebuild:
            kwargs[field] = rebuild[key]
    if 'accessIPv6' in rebuild:
        kwargs['access_ip_v6'] = _normalize_ipv6(rebuild['accessIPv6'])
    if 'preserve_ephemeral' in rebuild:
        kwargs['preserve_ephemeral'] = strutils.bool_from_string(
            rebuild['preserve_ephemeral'], strict=True)
    if rebuild.get('personality'):
        check_personality(context, rebuild['personality'])
        LOG.warning('Ignoring personality files of a rebuild: file '
                    'injection is not supported; use user_data.')
    if api_version_request.is_supported(req, '2.19') and (
            'description' in rebuild):
        kwargs['display_description'] = rebuild['description']
    if api_version_request.is_supported(req, '2.54') and (
            'key_name' in rebuild):
        kwargs['key_name'] = rebuild['key_name']
    if api_version_request.is_supported(req, '2.57') and (
            'user_data' in rebuild):
        kwargs['user_data'] = rebuild['user_data']
    if api_version_request.is_supported(req, '2.63') and (
            'trusted_image_certificates' in rebuild):
        context.can(SERVERS % 'rebuild:trusted_certs', target={
            'project_id': context.project_id})
        if rebuild['trusted_image_certificates'] is not None:
            raise webob.exc.HTTPBadRequest(
                explanation='Image certificate validation is not '
                            'supported: trusted_image_certificates must '
                            'be null.')
    if api_version_request.is_supported(req, '2.90') and (
            'hostname' in rebuild):
        kwargs['hostname'] = rebuild['hostname']
    return kwargs


def _normalize_ipv6(address):
    """An IPv6 address in its compact form (``::babe:dc0c:1602``), as
    Nova's IPV6AddressField keeps and shows it; None and '' unchanged."""
    if not address:
        return address
    return str(netaddr.IPAddress(address, version=6))


def _check_security_groups(requested):
    """The security groups a create names must exist, as Nova's 400.

    :raises: HTTPBadRequest for a group other than nova-lite's one.
    """
    for group in requested or []:
        name = group.get('name')
        if name and name != security_group_api.DEFAULT:
            raise webob.exc.HTTPBadRequest(
                explanation='Security group %s not found.' % name)


def _image_url(image_id):
    """The image's URL as Nova gives it: the first image service's
    ``/images/<id>``."""
    servers = CONF.glance.api_servers or ['']
    return '%s/images/%s' % (servers[0].rstrip('/'), image_id)


def _target(instance):
    return {'project_id': instance.project_id, 'user_id': instance.user_id}


def _scheduler_hints(body):
    if 'os:scheduler_hints' in body:
        return body['os:scheduler_hints']
    return body.get('OS-SCH-HNT:scheduler_hints', {})


def _image_from_block_devices(image_href, block_devices):
    """The image to boot, given imageRef and block_device_mapping_v2.

    Without a volume service the only mapping that can work is the image
    on the local root disk: what the openstack CLI sends along with
    imageRef on every create. Nova reads that entry as the boot image, and
    so does nova-lite; any other mapping is refused.

    :raises: HTTPBadRequest for a mapping that needs volumes, or whose
        image differs from imageRef.
    """
    if not block_devices:
        return image_href
    unsupported = webob.exc.HTTPBadRequest(
        explanation='Block device mappings other than the boot image on a '
                    'local disk are not supported.')
    if len(block_devices) != 1:
        raise unsupported
    bdm = block_devices[0]
    if (bdm.get('volume_type') and
            bdm.get('destination_type', 'local') != 'volume'):
        # As Nova: a volume type (2.67) is for volumes only.
        raise webob.exc.HTTPBadRequest(
            explanation='Specifying a volume_type with destination_type=%s '
                        'is not supported.' % bdm.get('destination_type',
                                                      'local'))
    if (bdm.get('source_type') != 'image' or
            bdm.get('destination_type', 'local') != 'local' or
            str(bdm.get('boot_index', 0)) != '0' or not bdm.get('uuid')):
        raise unsupported
    if image_href and common.get_id_from_href(image_href) != bdm['uuid']:
        raise webob.exc.HTTPBadRequest(
            explanation='The image of block_device_mapping_v2 (%s) is not '
                        'imageRef (%s).' % (bdm['uuid'], image_href))
    return image_href or bdm['uuid']


def _requested_networks(networks):
    """The networks a create asks for, in the compute API's terms.

    :returns: None (none stated), 'auto' or 'none' (2.37+), or a list of
        ``{'network_id', 'port_id', 'address', 'tag'}``.
    :raises: HTTPBadRequest for a network entry that cannot work.
    """
    if networks is None or isinstance(networks, str):
        return networks
    requested = []
    for network in networks:
        port_id = network.get('port')
        address = network.get('fixed_ip')
        network_id = None
        if port_id:
            if address is not None:
                raise webob.exc.HTTPBadRequest(
                    explanation="Specified Fixed IP '%s' cannot be used "
                                "with port '%s': the two cannot be "
                                "specified together." % (address, port_id))
        else:
            if 'uuid' not in network:
                raise webob.exc.HTTPBadRequest(
                    explanation="Bad network format: missing 'uuid'")
            network_id = network['uuid']
            if not uuidutils.is_uuid_like(network_id):
                raise webob.exc.HTTPBadRequest(
                    explanation='Bad networks format: network uuid is not '
                                'in proper format (%s)' % network_id)
        requested.append({'network_id': network_id, 'port_id': port_id,
                          'address': address, 'tag': network.get('tag')})
    return requested


def _remove_invalid_options(context, search_options, allowed):
    """Drop filters the caller may not use (all but paging for admins)."""
    if context.can(SERVERS % 'allow_all_filters', fatal=False):
        for key in PAGING_SORTING_PARAMS:
            search_options.pop(key, None)
        return
    for opt in [opt for opt in search_options if opt not in allowed]:
        LOG.debug("Removing option '%s' from query", opt)
        search_options.pop(opt, None)


def _remove_invalid_sort_keys(context, sort_keys, sort_dirs, ignored,
                              admin_only):
    """Drop ignored sort keys (and their directions); refuse admin-only
    keys to others.

    :raises: HTTPForbidden for an admin-only key asked by a non-admin.
    """
    keys = []
    dirs = []
    for index, key in enumerate(sort_keys):
        if key in ignored:
            continue
        if key in admin_only and not context.is_admin:
            raise webob.exc.HTTPForbidden(
                explanation='Only administrators can sort servers by %s'
                            % key)
        keys.append(key)
        if index < len(sort_dirs):
            dirs.append(sort_dirs[index])
    return keys, dirs
