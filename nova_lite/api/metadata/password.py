"""The guest's password: posted once by the guest (cloudbase-init posts its
administrator password encrypted with the key pair), read back by the
guest and, in Nova, by ``os-server-password``.

It is kept in the instance's system_metadata as Nova keeps it: four
chunks ``password_0`` .. ``password_3`` of up to 255 characters (system
metadata values are at most 255), so 1020 bytes at most.
"""

from oslo_log import log as logging
import webob.exc

from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite import utils

LOG = logging.getLogger(__name__)

CHUNKS = 4
CHUNK_LENGTH = 255
MAX_SIZE = CHUNKS * CHUNK_LENGTH
KEY_PREFIX = 'password_'


def extract_password(instance):
    """:returns: the password kept for ``instance``, or None."""
    system_metadata = instance.system_metadata or {}
    password = ''.join(system_metadata[key]
                       for key in sorted(system_metadata)
                       if key.startswith(KEY_PREFIX) and system_metadata[key])
    return password or None


def convert_password(password):
    """:returns: the system_metadata items that keep ``password`` (str;
        '' or None clears it)."""
    password = password or ''
    return {'%s%d' % (KEY_PREFIX, i):
            password[i * CHUNK_LENGTH:(i + 1) * CHUNK_LENGTH]
            for i in range(CHUNKS)}


def _read_body(req):
    """The request body, at most ``MAX_SIZE`` bytes, as text.

    :raises HTTPBadRequest: a longer body, or one that is not UTF-8.
    """
    if req.content_length is not None and req.content_length > MAX_SIZE:
        raise webob.exc.HTTPBadRequest(explanation='Request is too large.')
    # NOTE: read one byte more than allowed: a body without a length
    # (chunked) is refused as soon as it grows too large.
    body = req.body_file.read(MAX_SIZE + 1)
    if len(body) > MAX_SIZE:
        raise webob.exc.HTTPBadRequest(explanation='Request is too large.')
    try:
        return body.decode('utf-8')
    except UnicodeDecodeError:
        raise webob.exc.HTTPBadRequest(
            explanation='The password is not UTF-8 text.')


def handle_password(req, metadata):
    """GET (and HEAD) or POST the password of ``metadata``'s instance.

    :param metadata: the ``InstanceMetadata`` of the identified instance.
    :returns: the password (GET; '' when none is kept), or None after a
        POST stored it.
    :raises HTTPConflict: a POST while a password is kept (a guest sets
        it once).
    :raises HTTPBadRequest: a POST of more than ``MAX_SIZE`` bytes, or
        the instance was deleted meanwhile.
    """
    if req.method != 'POST':
        return extract_password(metadata.instance) or ''
    context = nova_context.get_admin_context()
    # NOTE: two POSTs at once must not both find no password; the lock
    # serialises them in this process. Nova has no lock at all; several
    # metadata processes may still race (the last write wins).
    with utils.named_lock('metadata-password-%s' % metadata.uuid):
        try:
            instance = objects.Instance.get_by_uuid(context, metadata.uuid)
        except exception.InstanceNotFound as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        if extract_password(instance):
            raise webob.exc.HTTPConflict()
        password = _read_body(req)
        system_metadata = dict(instance.system_metadata or {})
        system_metadata.update(convert_password(password))
        # NOTE: a new dict, so the object sees the field changed.
        instance.system_metadata = system_metadata
        instance.save()
    LOG.info('Stored the password posted by instance %s', metadata.uuid)
    return None
