"""Authentication of the Compute API: ``[api] auth_strategy``.

The strategies live in ``nova_lite.auth``, shared with the image service;
this module gives them the Compute API's refusal, a Nova fault body
(``{"unauthorized": {"code": 401, "message": ...}}``). In keystone mode
auth_token answers a missing or bad token itself, with Keystone's body and
``WWW-Authenticate``, as in Nova.
"""

from nova_lite.api.openstack import wsgi
from nova_lite import auth
import nova_lite.conf

CONF = nova_lite.conf.CONF


def unauthorized(message):
    """The Compute API's 401: a Nova fault body."""
    return wsgi.fault(401, message)


def auth_middleware(strategy):
    """The middleware factory for ``[api] auth_strategy``; see
    :func:`nova_lite.auth.middleware_factory`."""
    return auth.middleware_factory(strategy, unauthorized, CONF)
