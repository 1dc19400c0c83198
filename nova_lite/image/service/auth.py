"""Authentication of the image service: the Compute API's strategies.

The strategies live in ``nova_lite.auth``, shared with the Compute API.
``[image_service] auth_strategy`` picks one; unset, the image service
follows ``[api] auth_strategy``, so one configuration file keeps both
services in the same mode. (Glance names its choice ``[paste_deploy]
flavor``.) A refusal is webob's 401, as Glance answers it; in keystone
mode auth_token answers a missing or bad token itself, with Keystone's
body and ``WWW-Authenticate``.
"""

import webob.exc

from nova_lite import auth
from nova_lite import conf

CONF = conf.CONF


def strategy():
    """The auth strategy the image service runs with."""
    return CONF.image_service.auth_strategy or CONF.api.auth_strategy


def unauthorized(message):
    """The image service's 401, as Glance answers it."""
    return webob.exc.HTTPUnauthorized(explanation=message)


def auth_middleware(name):
    """The middleware factory for strategy ``name``; see
    :func:`nova_lite.auth.middleware_factory`."""
    return auth.middleware_factory(name, unauthorized, CONF)
