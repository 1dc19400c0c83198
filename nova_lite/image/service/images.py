"""``/v2/images`` and ``/v2/images/{image_id}``: list, create, show,
update (JSON patch) and delete image records.

Each handler takes the same steps: the caller's context, the request
parsed and checked as Glance checks it, one call into the database,
domain errors turned into Glance's HTTP errors, the body serialized.
"""

import urllib.parse

from oslo_log import log as logging
from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import webob
import webob.exc

from nova_lite import conf
from nova_lite.image.service.db import api as db
from nova_lite import exception
from nova_lite.image.service import schemas
from nova_lite.image.service import store as image_store
from nova_lite.image.service import views
from nova_lite.image.service import wsgi

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# What a client may never send: links and where the data lives.
_DISALLOWED = ('direct_url', 'self', 'file', 'schema', 'stores')
# What the service alone sets.
_READONLY = ('created_at', 'updated_at', 'status', 'checksum', 'size',
             'virtual_size', 'direct_url', 'self', 'file', 'schema', 'id',
             'os_hash_algo', 'os_hash_value')
_RESERVED = ('location', 'deleted', 'deleted_at')
_RESERVED_PREFIX = 'os_glance'
# Columns of an image a client may set; every other name is a custom
# property.
_SETTABLE = ('name', 'visibility', 'protected', 'os_hidden', 'owner',
             'container_format', 'disk_format', 'min_ram', 'min_disk')
# Formats describe the data, so they change only before there is any.
_QUEUED_ONLY = ('container_format', 'disk_format')

# Media types of PATCH bodies and the JSON-patch dialect of each:
# v2.0 names the operation as a key ({"replace": "/name"}), v2.1 is
# RFC 6902 ({"op": "replace", "path": "/name"}).
PATCH_MEDIA_TYPES = {
    'application/openstack-images-v2.0-json-patch': 4,
    'application/openstack-images-v2.1-json-patch': 10,
}
_PATCH_OPERATIONS = ('add', 'remove', 'replace')

# Query parameters of a list call that are not filters.
_LIST_CONTROLS = ('limit', 'marker', 'sort', 'sort_key', 'sort_dir',
                  'member_status', 'tag', 'visibility')


def get_store():
    return image_store.FilesystemStore(CONF.image_service.store_path)


def project_scope(context):
    """The project whose view limits what ``context`` sees; None (no
    limit) for an administrator."""
    return None if context.is_admin else context.project_id


def not_authorized(action):
    return webob.exc.HTTPForbidden(
        explanation='You are not authorized to complete %s action.' % action)


def check_owner(context, image, action):
    """:raises: HTTPForbidden unless ``context`` may change ``image``."""
    if not context.is_admin and image['owner'] != context.project_id:
        raise not_authorized(action)


def get_image(context, image_id, message='No image found with ID %s'):
    """The image ``image_id`` as ``context`` may see it.

    :raises: HTTPNotFound, for an image that does not exist and for one
        the caller may not see alike.
    """
    try:
        return db.image_get(image_id, project_scope(context))
    except exception.ImageNotFound:
        raise webob.exc.HTTPNotFound(explanation=message % image_id)


def _check_reserved(name):
    if name in _RESERVED or name.startswith(_RESERVED_PREFIX):
        raise webob.exc.HTTPForbidden(
            explanation="Attribute '%s' is reserved." % name)


def _check_visibility_allowed(context, visibility):
    # NOTE: Glance's default policy: only administrators publicize.
    if visibility == 'public' and not context.is_admin:
        raise not_authorized('publicize_image')


# ---- list -------------------------------------------------------------------

def _int_param(value, message):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise webob.exc.HTTPBadRequest(explanation=message)


def _time_param(name, value):
    """``[operator:]ISO 8601 time`` -> (operator, naive UTC datetime), as
    Glance reads its created_at/updated_at filters.

    :raises: HTTPBadRequest
    """
    operator, sep, when = value.partition(':')
    if not sep or operator not in db.TIME_OPERATORS:
        operator, when = 'eq', value
    try:
        parsed = timeutils.normalize_time(timeutils.parse_isotime(when))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid time format for %s.' % name)
    return operator, parsed


def _bool_param(name, value):
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid value for %s filter: %s' % (name, value))


def _sort_key(key):
    if key not in db.SORT_KEYS:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid sort key: %s. It must be one of the '
                        'following: %s.' % (key, ', '.join(db.SORT_KEYS)))
    return key


def _sort_dir(direction):
    if direction not in ('asc', 'desc'):
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid sort direction: %s' % direction)
    return direction


def parse_sorting(params):
    """``(sort_keys, sort_dirs)`` from either of Glance's syntaxes:
    ``sort=name:asc,size:desc`` or ``sort_key=name&sort_dir=asc``.

    :raises: HTTPBadRequest
    """
    keys, dirs = [], []
    if 'sort' in params:
        if 'sort_key' in params or 'sort_dir' in params:
            raise webob.exc.HTTPBadRequest(
                explanation='Old and new sorting syntax cannot be combined')
        for item in params['sort'].strip().split(','):
            key, _sep, direction = item.partition(':')
            keys.append(_sort_key(key.strip()))
            dirs.append(_sort_dir(direction.strip() or 'desc'))
    else:
        keys = [_sort_key(key.strip()) for key in params.getall('sort_key')]
        dirs = [_sort_dir(d.strip()) for d in params.getall('sort_dir')]
        if len(dirs) > 1 and len(dirs) != len(keys):
            raise webob.exc.HTTPBadRequest(
                explanation='Number of sort dirs does not match the number '
                            'of sort keys')
    return keys or ['created_at'], dirs or ['desc']


def parse_filters(params):
    """The filters of a list call: columns, custom properties, ranges.

    :raises: HTTPBadRequest for a value a filter cannot take.
    """
    if 'changes-since' in params:
        raise webob.exc.HTTPBadRequest(
            explanation='The "changes-since" filter is no longer available '
                        'on v2.')
    filters = {}
    for name in params:
        if name in _LIST_CONTROLS:
            continue
        value = params[name]
        if name in ('size_min', 'size_max'):
            filters[name] = _int_param(
                value, 'Unable to filter on a range with a non-numeric '
                       'value.')
        elif name in ('min_ram', 'min_disk'):
            filters[name] = _int_param(
                value, 'Invalid value for %s filter: %s' % (name, value))
        elif name in ('created_at', 'updated_at'):
            filters[name] = _time_param(name, value)
        elif name in ('protected', 'os_hidden'):
            filters[name] = _bool_param(name, value)
        elif name == 'status':
            if value not in schemas.STATUSES:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid status value: %s' % value)
            filters[name] = value
        else:
            filters[name] = value
    # NOTE: as in Glance, hidden images are listed only when asked for.
    filters.setdefault('os_hidden', False)
    tags = [tag.strip() for tag in params.getall('tag')]
    if tags:
        filters['tags'] = tags
    return filters


def _page_link(pairs, marker=None):
    pairs = [(k, v) for k, v in pairs if k != 'marker']
    if marker is not None:
        pairs.append(('marker', marker))
    query = urllib.parse.urlencode(pairs)
    return '/v2/images?%s' % query if query else '/v2/images'


# ---- PATCH ------------------------------------------------------------------

def _decode_pointer(pointer):
    """The path parts of a JSON pointer, in the limited form Glance takes.

    :raises: HTTPBadRequest
    """
    def bad(reason):
        return webob.exc.HTTPBadRequest(
            explanation='Pointer `%s` %s' % (pointer, reason))

    if not isinstance(pointer, str) or not pointer.startswith('/'):
        raise bad('does not start with "/".')
    if '//' in pointer[1:].replace(' ', ''):
        raise bad('contains adjacent "/".')
    if len(pointer) > 1 and pointer.endswith('/'):
        raise bad('end with "/".')
    if pointer == '/':
        raise bad('does not contains valid token.')
    body = pointer.replace('~0', '').replace('~1', '')
    if '~' in body:
        raise bad('contains "~" not part of a recognized escape sequence.')
    return [part.replace('~1', '/').replace('~0', '~').strip()
            for part in pointer[1:].split('/')]


def parse_changes(req):
    """The changes of a PATCH request, checked as Glance checks them.

    :returns: a list of ``{'op', 'path' (a list), 'value'}`` dicts, and
        the JSON-schema draft of the dialect (4 or 10).
    :raises: HTTPUnsupportedMediaType (with ``Accept-Patch``),
        HTTPBadRequest, HTTPForbidden.
    """
    draft = PATCH_MEDIA_TYPES.get(req.content_type)
    if draft is None:
        raise webob.exc.HTTPUnsupportedMediaType(headers=[
            ('Accept-Patch', ', '.join(sorted(PATCH_MEDIA_TYPES)))])
    body = wsgi.json_body(req)
    if not isinstance(body, list):
        raise webob.exc.HTTPBadRequest(
            explanation='Request body must be a JSON array of operation '
                        'objects.')
    changes = []
    for raw in body:
        if not isinstance(raw, dict):
            raise webob.exc.HTTPBadRequest(
                explanation='Operations must be JSON objects.')
        if draft == 10:
            op = raw.get('op')
            if op not in _PATCH_OPERATIONS:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid operation: `%s`. It must be one of '
                                'the following: %s.'
                                % (op, ', '.join(_PATCH_OPERATIONS)))
            if 'path' not in raw:
                raise webob.exc.HTTPBadRequest(
                    explanation="Unable to find 'path' in JSON Schema "
                                "change")
            pointer = raw['path']
        else:
            named = [op for op in _PATCH_OPERATIONS if op in raw]
            if len(named) != 1:
                raise webob.exc.HTTPBadRequest(
                    explanation='Operation objects must contain exactly one '
                                'member named "add", "remove", or '
                                '"replace".')
            op = named[0]
            pointer = raw[op]
        path = _decode_pointer(pointer)
        root = path[0]
        if root == 'locations':
            verb = {'add': 'add', 'remove': 'remove',
                    'replace': 'update'}[op]
            # NOTE: Glance with show_multiple_locations off, its default;
            # nova-lite-image keeps data in its own store only.
            raise webob.exc.HTTPForbidden(
                explanation="It's not allowed to %s locations if locations "
                            "are invisible." % verb)
        if len(path) != 1:
            raise webob.exc.HTTPBadRequest(
                explanation="Invalid JSON pointer for this resource: '/%s'"
                % '/'.join(path))
        change = {'op': op, 'path': path}
        if op != 'remove':
            if 'value' not in raw:
                raise webob.exc.HTTPBadRequest(
                    explanation='Operation "%s" requires a member named '
                                '"value".' % op)
            change['value'] = raw['value']
        if root in _READONLY:
            raise webob.exc.HTTPForbidden(
                explanation="Attribute '%s' is read-only." % root)
        _check_reserved(root)
        if op != 'remove':
            schemas.validate_image({root: change['value']})
        changes.append(change)
    return changes, draft


class _PatchedImage(object):
    """An image's settable columns, custom properties and tags while a
    PATCH applies its changes in order; saved once at the end."""

    def __init__(self, context, image, draft):
        self.context = context
        self.image = image
        self.draft = draft
        self.values = {}
        self.properties = dict(image['properties'])
        self.tags = list(image['tags'])

    def _is_column(self, name):
        return name in _SETTABLE or name == 'tags'

    def _set_column(self, name, value):
        if name == 'tags':
            self.tags = list(value)
            return
        if name == 'owner' and not self.context.is_admin:
            raise webob.exc.HTTPForbidden(
                explanation="Owner can't be updated by non admin.")
        if name == 'visibility':
            _check_visibility_allowed(self.context, value)
        if (name in _QUEUED_ONLY and self.image['status'] != 'queued' and
                value != self.image[name]):
            raise webob.exc.HTTPForbidden(
                explanation='Attribute %s can be only replaced for a queued '
                            'image.' % name)
        self.values[name] = value

    def apply(self, change):
        name = change['path'][0]
        op = change['op']
        if op == 'replace':
            if self._is_column(name):
                self._set_column(name, change['value'])
            elif name in self.properties:
                self.properties[name] = change['value']
            else:
                raise webob.exc.HTTPConflict(
                    explanation='Property %s does not exist.' % name)
        elif op == 'add':
            if self.draft == 4 and (self._is_column(name) or
                                    name in self.properties):
                raise webob.exc.HTTPConflict(
                    explanation='Property %s already present.' % name)
            if self._is_column(name):
                self._set_column(name, change['value'])
            else:
                self.properties[name] = change['value']
        else:
            if self._is_column(name):
                raise webob.exc.HTTPForbidden(
                    explanation='Property %s may not be removed.' % name)
            if name not in self.properties:
                raise webob.exc.HTTPConflict(
                    explanation='Property %s does not exist.' % name)
            del self.properties[name]


class ImagesController(object):
    """Image records."""

    def index(self, req):
        """``GET /v2/images``: one page of the images the caller may see.

        Query: ``limit``, ``marker``, ``sort``/``sort_key``/``sort_dir``,
        ``visibility``, ``tag`` (repeatable), ``size_min``/``size_max``,
        and any column or custom property as an exact-match filter.
        """
        context = wsgi.context_of(req)
        params = req.GET
        limit = CONF.image_service.limit_param_default
        if 'limit' in params:
            limit = _int_param(params['limit'],
                               'limit param must be an integer')
            if limit < 0:
                raise webob.exc.HTTPBadRequest(
                    explanation='limit param must be positive')
        limit = min(CONF.image_service.api_limit_max, limit)
        visibility = params.get('visibility')
        if visibility is not None and visibility not in (
                schemas.VISIBILITIES + ('all',)):
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid visibility value: %s' % visibility)
        member_status = params.get('member_status', 'accepted')
        if member_status not in ('pending', 'accepted', 'rejected', 'all'):
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid status: %s' % member_status)
        sort_keys, sort_dirs = parse_sorting(params)
        filters = parse_filters(params)
        marker = params.get('marker')
        try:
            images = db.image_get_all(
                project_scope(context), filters=filters,
                visibility=visibility, marker=marker, limit=limit,
                sort_keys=sort_keys, sort_dirs=sort_dirs)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='No image found with ID %s' % marker)
        pairs = list(params.items())
        body = {'images': [views.image_view(image) for image in images],
                'first': _page_link(pairs),
                'schema': '/v2/schemas/images'}
        # NOTE: as Glance does, a full page always links onwards, even when
        # the next page turns out empty.
        if images and len(images) == limit:
            body['next'] = _page_link(pairs, marker=images[-1]['id'])
        return wsgi.json_response(body)

    def create(self, req):
        """``POST /v2/images``: a new ``queued`` image record; 201."""
        context = wsgi.context_of(req)
        body = wsgi.json_body(req)
        if not isinstance(body, dict):
            raise webob.exc.HTTPBadRequest(
                explanation="Provided object does not match schema 'image': "
                            "%r is not of type 'object'" % (body,))
        for name in _DISALLOWED:
            if name in body:
                raise webob.exc.HTTPForbidden(
                    explanation="Attribute '%s' is read-only." % name)
        schemas.validate_image(body)
        properties = dict(body)
        tags = properties.pop('tags', [])
        # NOTE: one spelling per id: the data file is named by it too.
        image_id = (properties.pop('id', None) or
                    uuidutils.generate_uuid()).lower()
        values = {}
        for name in _SETTABLE:
            if name in properties:
                values[name] = properties.pop(name)
        for name in properties:
            if name in _READONLY:
                raise webob.exc.HTTPForbidden(
                    explanation="Attribute '%s' is read-only." % name)
            if len(name) > 255:
                raise webob.exc.HTTPBadRequest(
                    explanation='Custom property should not be greater than '
                                '255 characters.')
            _check_reserved(name)
        values.setdefault('visibility', 'shared')
        _check_visibility_allowed(context, values['visibility'])
        owner = values.get('owner', context.project_id)
        if owner != context.project_id and not context.is_admin:
            raise webob.exc.HTTPForbidden(
                explanation="You are not permitted to create images owned "
                            "by '%s'." % owner)
        values.update(id=image_id, status='queued', owner=owner)
        try:
            image = db.image_create(values, properties, tags)
        except exception.Conflict:
            raise webob.exc.HTTPConflict(
                explanation='Image with identifier %s already exists!'
                % image_id)
        LOG.info('Created image %s for project %s', image_id, owner)
        return wsgi.json_response(views.image_view(image), status=201,
                                  location=views.image_href(image_id))

    def show(self, req, image_id):
        """``GET /v2/images/{image_id}``; 404 for an image the caller may
        not see."""
        context = wsgi.context_of(req)
        return wsgi.json_response(views.image_view(
            get_image(context, image_id)))

    def tasks(self, req, image_id):
        """``GET /v2/images/{image_id}/tasks`` (Glance's API 2.12): the
        import tasks of an image. The image service imports nothing in the
        background (an upload is stored before its PUT answers), so an image
        has none; 404 for an image the caller may not see."""
        context = wsgi.context_of(req)
        get_image(context, image_id)
        return wsgi.json_response({'tasks': []})

    def update(self, req, image_id):
        """``PATCH /v2/images/{image_id}`` with a JSON-patch body of
        ``add``/``replace``/``remove`` operations, applied in order and
        saved at once."""
        context = wsgi.context_of(req)
        changes, draft = parse_changes(req)
        image = get_image(context, image_id)
        check_owner(context, image, 'modify_image')
        patched = _PatchedImage(context, image, draft)
        for change in changes:
            patched.apply(change)
        try:
            image = db.image_update(image_id, values=patched.values,
                                    properties=patched.properties,
                                    tags=patched.tags)
        except exception.ImageNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Failed to find image %s to update' % image_id)
        return wsgi.json_response(views.image_view(image))

    def delete(self, req, image_id):
        """``DELETE /v2/images/{image_id}``: the record and its data; 204.
        A protected image is not deleted (403)."""
        context = wsgi.context_of(req)
        image = get_image(context, image_id,
                          message='Failed to find image %s to delete')
        check_owner(context, image, 'delete_image')
        if image['protected']:
            raise webob.exc.HTTPForbidden(
                explanation='Image %s is protected and cannot be deleted.'
                % image_id)
        try:
            db.image_destroy(image_id)
        except exception.ImageNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Failed to find image %s to delete' % image_id)
        # NOTE: the record goes first: an upload still running then finds
        # its image gone, answers 410 and removes what it wrote.
        get_store().delete(image_id)
        LOG.info('Deleted image %s', image_id)
        return webob.Response(status=204)
