"""nova-lite-metadata's WSGI application: who is asking, then what it reads.

Guests reach the metadata API at 169.254.169.254 through the metadata
proxy of their network, which knows the guest by its source address and
forwards the request with three headers (Nova's
``service_metadata_proxy = True`` mode, Neutron's agent in front):

* ``X-Instance-ID``: the instance's uuid;
* ``X-Tenant-ID``: its project;
* ``X-Instance-ID-Signature``: :func:`nova_lite.utils.metadata_signature`
  of the uuid with ``[metadata] metadata_proxy_shared_secret``.

The answers are Nova's: 400 when a header is missing, 403 when the
signature does not match, 404 for an unknown or deleted instance, for a
project that is not the instance's, and for a path in neither tree.
``X-Forwarded-For`` (the guest's address) is logged, never trusted.
Errors are plain webob errors, not the Compute API's fault bodies: the
metadata API is not the Compute API. Only ``/`` answers without the
headers (the EC2 versions, the same for everyone).
"""

import hmac

from oslo_log import log as logging
from oslo_utils import encodeutils
import webob.dec
import webob.exc

from nova_lite.api.metadata import base
from nova_lite.api.metadata import password
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import instance_metadata
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

READ_METHODS = ('GET', 'HEAD')
UNKNOWN_ERROR = ('An unknown error has occurred. '
                 'Please try your request again.')


def allowed_methods(path):
    """The methods ``path`` answers: GET and HEAD, and POST on a
    ``password``."""
    if base.is_password_path(path):
        return READ_METHODS + ('POST',)
    return READ_METHODS


def _signature_matches(secret, instance_id, signature):
    expected = utils.metadata_signature(secret, instance_id)
    # NOTE: compared as bytes, since compare_digest refuses str with
    # non-ASCII characters; a header's str holds only code points below
    # 256 (WSGI's latin-1), which encode as they are.
    return hmac.compare_digest(expected.encode('ascii'),
                               signature.encode('latin-1', 'replace'))


def identify(req):
    """The instance a proxied request is for, checked.

    :returns: ``(instance uuid, project id)`` from the headers.
    :raises HTTPBadRequest: a header is missing.
    :raises HTTPForbidden: the signature does not match.
    """
    instance_id = req.headers.get('X-Instance-ID')
    tenant_id = req.headers.get('X-Tenant-ID')
    signature = req.headers.get('X-Instance-ID-Signature')
    for header, value in (('X-Instance-ID', instance_id),
                          ('X-Instance-ID-Signature', signature),
                          ('X-Tenant-ID', tenant_id)):
        if value is None:
            raise webob.exc.HTTPBadRequest(
                explanation='The request has no %s header.' % header)
    if not _signature_matches(CONF.metadata.metadata_proxy_shared_secret,
                              instance_id, signature):
        LOG.warning('The X-Instance-ID-Signature of a request for instance '
                    '%(id)s does not match (from %(addr)s); is '
                    '[metadata] metadata_proxy_shared_secret the same on '
                    'the proxy?',
                    {'id': instance_id,
                     'addr': req.headers.get('X-Forwarded-For')})
        raise webob.exc.HTTPForbidden(
            explanation='Invalid proxy request signature.')
    return instance_id, tenant_id


class MetadataRequestHandler:
    """Serves the metadata trees to signed requests."""

    def __init__(self):
        if not CONF.metadata.metadata_proxy_shared_secret:
            LOG.warning('[metadata] metadata_proxy_shared_secret is empty: '
                        'anyone who can reach the metadata API can read '
                        'any instance\'s metadata and user data.')
        self.network_api = network_api.API()

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            return self._serve(req)
        except webob.exc.HTTPException as error:
            return error
        except Exception:
            LOG.exception('Metadata request %s %s failed', req.method,
                          req.path_info)
            return webob.exc.HTTPInternalServerError(
                explanation=UNKNOWN_ERROR)

    def _serve(self, req):
        path = base.normalize(req.path_info)
        allowed = allowed_methods(path)
        if req.method not in allowed:
            raise webob.exc.HTTPMethodNotAllowed(
                headers=[('Allow', ', '.join(allowed))])
        if path == '/':
            return self._respond(req, base.ec2_versions(),
                                 instance_metadata.MIME_TYPE_TEXT_PLAIN)
        instance_id, tenant_id = identify(req)
        metadata = self.get_metadata(
            instance_id, tenant_id,
            address=req.headers.get('X-Forwarded-For'))
        try:
            content, mime_type = base.lookup(metadata, path)
        except base.InvalidMetadataPath:
            raise webob.exc.HTTPNotFound()
        if content is base.PASSWORD:
            content = password.handle_password(req, metadata)
            if content is None:
                return req.response
        return self._respond(req, content, mime_type)

    @staticmethod
    def _respond(req, content, mime_type):
        req.response.body = encodeutils.to_utf8(base.format_content(content))
        req.response.content_type = mime_type
        return req.response

    def get_metadata(self, instance_id, tenant_id, address=None):
        """The metadata of instance ``instance_id`` of project
        ``tenant_id``, with its network and key pair.

        :param address: the guest's address, for the log only.
        :returns: an ``instance_metadata.InstanceMetadata``.
        :raises HTTPNotFound: no such instance (or deleted), or not of
            that project.
        """
        context = nova_context.get_admin_context()
        try:
            instance = objects.Instance.get_by_uuid(context, instance_id)
        except exception.InstanceNotFound:
            LOG.error('Metadata request from %s for instance %s, which '
                      'does not exist', address, instance_id)
            raise webob.exc.HTTPNotFound()
        if instance.project_id != tenant_id:
            # NOTE: 404 as in Nova: a mismatch says nothing about the
            # instance, and 403 stays "the signature is wrong" for the
            # proxy (Neutron's agent logs it as a secret mismatch).
            LOG.warning('Metadata request from %s for instance %s names '
                        'project %s, not the instance\'s', address,
                        instance_id, tenant_id)
            raise webob.exc.HTTPNotFound()
        LOG.debug('Metadata request from %s for instance %s', address,
                  instance_id)
        network_info = self.network_api.get_instance_nw_info(
            context, instance)
        return instance_metadata.InstanceMetadata(
            instance, network_info, key_type=_key_type(context, instance))


def _key_type(context, instance):
    """``ssh`` or ``x509``: the type of the instance's key pair.

    NOTE: the instance keeps only the key's name and data; the user's key
    pair of that name says its type while it still holds the same key.
    """
    if not instance.key_name:
        return 'ssh'
    try:
        keypair = objects.KeyPair.get_by_name(context, instance.user_id,
                                              instance.key_name)
    except exception.KeypairNotFound:
        return 'ssh'
    return keypair.type if keypair.public_key == instance.key_data else 'ssh'


def make_app():
    """The metadata API as one WSGI application, configured from CONF.

    The caller has parsed the configuration and set up logging.

    :returns: a WSGI application.
    """
    objects.register_all()
    return MetadataRequestHandler()
