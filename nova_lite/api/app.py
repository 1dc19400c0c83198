"""The Compute API as one WSGI application: ``make_app()``.

The middleware stack, outermost first:

1. ``ComputeReqIdMiddleware``: gives the request its ``req-<uuid>`` before
   anything can log, and sets ``x-openstack-request-id`` and
   ``x-compute-request-id`` on every response, including the 500s made by
   the next layer.
2. ``FaultWrapper``: whatever escapes below becomes a logged 500
   ``computeFault``, never a traceback on the wire.
3. ``RequestBodySizeLimiter``: a body over ``[api]
   max_request_body_size`` gets 413 before any of it is read, as in
   Nova's pipeline (its ``sizelimit``, right inside ``faultwrap``).
4. ``URLMap``: a URL that is not UTF-8 text ends here (404 for a path, 400
   for a query); ``/``, ``/v2.1[/]`` and ``/v2[/]`` (version documents)
   answer here, before authentication, so clients can discover the API;
   ``/v2.1/...`` goes on, and so does ``/v2/...``, the legacy v2.0 API
   (the base microversion, whatever the headers ask).
5. auth (``[api] auth_strategy``, see ``nova_lite/auth.py``): builds the
   RequestContext, with the request id, into ``environ['nova.context']``;
   401 without a valid token. In keystone mode that is keystonemiddleware's
   ``auth_token`` followed by ``KeystoneContext``, as in Nova's pipeline.
6. ``VersionNegotiation``: the microversion (400 malformed, 406 out of
   range), echoed with ``Vary`` on every response below it.
   ``/networking/`` (a read-only networks view for clients that have no
   catalog, ``networking.py``) sits behind the same authentication.
7. ``APIRouter``: the one route table; 404 for unknown paths and 405 with
   ``Allow`` for known paths asked with another method; then the
   controller's ``Resource``.
"""

from nova_lite.api.openstack import auth
from nova_lite.api.openstack.compute import routes
from nova_lite.api.openstack import fault_wrapper
from nova_lite.api.openstack import networking
from nova_lite.api.openstack import request_id
from nova_lite.api.openstack import sizelimit
from nova_lite.api.openstack import urlmap
from nova_lite.api.openstack import version_negotiation
import nova_lite.conf
from nova_lite import objects

CONF = nova_lite.conf.CONF


def make_app():
    """The whole Compute API WSGI application, configured from CONF.

    The caller has parsed the configuration and set up logging.

    :returns: a WSGI application.
    """
    objects.register_all()
    app = routes.APIRouter()
    app = version_negotiation.VersionNegotiation(app)
    authenticated = auth.auth_middleware(CONF.api.auth_strategy)
    app = urlmap.URLMap(authenticated(app),
                        authenticated(networking.NetworkingApp()))
    app = sizelimit.RequestBodySizeLimiter(
        app, CONF.api.max_request_body_size)
    app = fault_wrapper.FaultWrapper(app)
    app = request_id.ComputeReqIdMiddleware(app)
    return app
