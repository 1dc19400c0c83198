"""The RPC plumbing: one transport per process, the serializers that
carry the RequestContext and versioned objects across it, the version
cap check of the clients and which endpoint methods a message may reach.

Only the ``*/rpcapi.py`` modules build clients; only ``service.py`` builds
servers.
"""

import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher

from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.objects import base as objects_base

CONF = conf.CONF

# NOTE: exceptions from these modules are re-raised as themselves on the
# calling side of a `call`, so NoValidHost stays NoValidHost.
ALLOWED_EXMODS = ['nova_lite.exception']

# NOTE: the embedded default runs every service in one process; the fake
# driver keeps its queues in the transport object, so all of them must
# share this one.
IN_PROCESS_URL = 'fake:/'

TRANSPORT = None


def init():
    global TRANSPORT
    if TRANSPORT is None:
        TRANSPORT = messaging.get_rpc_transport(
            CONF, allowed_remote_exmods=ALLOWED_EXMODS)


def cleanup():
    global TRANSPORT
    if TRANSPORT is not None:
        TRANSPORT.cleanup()
    TRANSPORT = None


class RequestContextSerializer(messaging.Serializer):
    """Wraps the object serializer and carries the context as a dict."""

    def __init__(self, base=None):
        self._base = base or objects_base.NovaObjectSerializer()

    def serialize_entity(self, context, entity):
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return nova_context.RequestContext.from_dict(context)


def get_client(target, version_cap=None):
    init()
    return messaging.get_rpc_client(TRANSPORT, target,
                                    version_cap=version_cap,
                                    serializer=RequestContextSerializer())


def prepare(client, method, version, **kwargs):
    """``client.prepare(version=version, **kwargs)`` for ``method``, once
    the client's ``[upgrade_levels]`` cap lets ``version`` through.

    :raises: RPCVersionCapped when the cap is below ``version``: the
        method did not exist before it, and a message the other side
        cannot dispatch would be lost (a cast) or time out (a call).
    """
    if not client.can_send_version(version):
        raise exception.RPCVersionCapped(method=method, version=version,
                                         topic=client.target.topic,
                                         cap=client.version_cap)
    return client.prepare(version=version, **kwargs)


# NOTE: what service.py calls on a manager around its RPC server: public
# names (Nova's) that no message may reach.
SERVICE_HOOKS = frozenset(['init_host', 'post_start_hook', 'periodic_tasks',
                           'cleanup_host'])


class ManagerAccessPolicy(dispatcher.DefaultRPCAccessPolicy):
    """Dispatches an endpoint's public methods except its service hooks;
    periodic tasks and helpers have private names (``_``), which
    oslo.messaging's default policy already refuses."""

    def is_allowed(self, endpoint, method):
        return (super().is_allowed(endpoint, method) and
                method not in SERVICE_HOOKS)


def get_server(target, endpoints):
    init()
    return messaging.get_rpc_server(
        TRANSPORT, target, endpoints, executor='threading',
        serializer=RequestContextSerializer(),
        access_policy=ManagerAccessPolicy)
