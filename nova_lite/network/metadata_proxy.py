"""A network's metadata proxy: guests' requests for 169.254.169.254 to
the metadata service, with their identity signed.

The network host redirects a guest's ``169.254.169.254:80`` to the proxy
of the guest's network, listening on the network's gateway address. The
proxy knows the network by the address it listens on and the guest by
the request's source address: the instance holding that fixed IP on that
network. It forwards the request to ``nova-lite-metadata`` with Nova's
headers (``X-Instance-ID``, ``X-Tenant-ID``, ``X-Forwarded-For`` and
``X-Instance-ID-Signature``, an HMAC of the instance id with ``[metadata]
metadata_proxy_shared_secret``), as Neutron's metadata proxy does;
a request in which the guest names another instance (its own
``X-Instance-ID`` header) is refused with 403, and the identity headers a
guest sends are never passed on, so a guest can only ever read its own
metadata.
"""

import http.client

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# Request headers passed on to the metadata service; every other one
# (identity headers above all) is dropped.
_PASSED_HEADERS = ('Accept', 'Content-Type', 'User-Agent')
_HOP_HEADERS = ('connection', 'keep-alive', 'transfer-encoding',
                'content-length')
TIMEOUT = 30
MAX_BODY = 64 * 1024


def _plain(start_response, status, text):
    body = text.encode()
    start_response(status, [('Content-Type', 'text/plain; charset=UTF-8'),
                            ('Content-Length', str(len(body)))])
    return [body]


class MetadataProxy:
    """The proxy of one network, on its gateway address."""

    def __init__(self, network_id, network_uuid, gateway, port):
        self.network_id = network_id
        self.network_uuid = network_uuid
        self.gateway = gateway
        self.port = port
        self._server = None

    def start(self):
        """Listen on ``gateway:port`` (the address must be on the host).

        :raises: OSError when the address cannot be bound.
        """
        self._server = utils.WSGIServer(
            'metadata-proxy-%s' % self.network_uuid, self, self.gateway,
            self.port, pool_size=100).start()
        LOG.info('Metadata proxy of network %s listening on %s:%d',
                 self.network_uuid, self.gateway, self.port)
        return self

    def stop(self):
        if self._server is not None:
            self._server.stop()
            self._server = None

    def _instance_of(self, address):
        """The instance holding ``address`` on this network, or None."""
        context = nova_context.get_admin_context()
        try:
            fixed = objects.FixedIP.get_by_address(context, self.network_id,
                                                   address)
            return objects.Instance.get_by_uuid(context,
                                                fixed.instance_uuid)
        except (exception.FixedIpNotFoundForAddress,
                exception.InstanceNotFound):
            return None

    def __call__(self, environ, start_response):
        address = environ.get('REMOTE_ADDR')
        instance = self._instance_of(address)
        if instance is None:
            LOG.warning('Metadata request from %s, which no instance holds '
                        'on network %s', address, self.network_uuid)
            return _plain(start_response, '404 Not Found',
                          'No instance has address %s on this network.\n'
                          % address)
        claimed = environ.get('HTTP_X_INSTANCE_ID')
        if claimed is not None and claimed != instance.uuid:
            LOG.warning('Metadata request from %s (instance %s) claims to '
                        'be instance %s: refused', address, instance.uuid,
                        claimed)
            return _plain(start_response, '403 Forbidden',
                          'A guest may only read its own metadata.\n')
        headers = {name: environ['HTTP_' + name.upper().replace('-', '_')]
                   for name in _PASSED_HEADERS
                   if 'HTTP_' + name.upper().replace('-', '_') in environ}
        if environ.get('CONTENT_TYPE'):
            headers['Content-Type'] = environ['CONTENT_TYPE']
        headers.update({
            'X-Forwarded-For': address,
            'X-Instance-ID': instance.uuid,
            'X-Tenant-ID': instance.project_id,
            'X-Instance-ID-Signature': utils.metadata_signature(
                CONF.metadata.metadata_proxy_shared_secret, instance.uuid),
        })
        body = None
        length = int(environ.get('CONTENT_LENGTH') or 0)
        if length:
            body = environ['wsgi.input'].read(min(length, MAX_BODY))
        path = environ.get('PATH_INFO') or '/'
        if environ.get('QUERY_STRING'):
            path += '?' + environ['QUERY_STRING']
        try:
            status, reply_headers, data = self._forward(
                environ['REQUEST_METHOD'], path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            LOG.error('The metadata service at %s:%d did not answer: %s',
                      CONF.metadata.nova_metadata_host,
                      CONF.metadata.nova_metadata_port, error)
            return _plain(start_response, '502 Bad Gateway',
                          'The metadata service did not answer.\n')
        start_response(status, reply_headers)
        return [data]

    @staticmethod
    def _forward(method, path, body, headers):
        conn = http.client.HTTPConnection(CONF.metadata.nova_metadata_host,
                                          CONF.metadata.nova_metadata_port,
                                          timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            kept = [(k, v) for k, v in reply.getheaders()
                    if k.lower() not in _HOP_HEADERS]
            kept.append(('Content-Length', str(len(data))))
            return '%d %s' % (reply.status, reply.reason), kept, data
        finally:
            conn.close()
