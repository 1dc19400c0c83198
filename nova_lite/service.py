"""A nova-lite service: an RPC server over a manager, its heartbeat and its
periodic tasks; and the WSGI services of the APIs.

This and ``cmd/`` are the only places that name manager classes.
"""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import service as service_obj
from nova_lite import rpc
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def _compute_manager(host):
    from nova_lite.compute import manager
    return [manager.ComputeManager(host=host)]


def _conductor_managers(host):
    from nova_lite.conductor import manager
    return [manager.ConductorManager(), manager.ComputeTaskManager()]


def _scheduler_manager(host):
    from nova_lite.scheduler import manager
    return [manager.SchedulerManager()]


def _network_manager(host):
    from nova_lite.network import manager
    return [manager.NetworkManager(host=host)]


# binary (the service record's, Nova's name) -> (topic, factory of RPC
# endpoints, the console script that runs it alone)
SERVICES = {
    service_obj.COMPUTE_BINARY: ('compute', _compute_manager,
                                 'nova-lite-compute'),
    service_obj.CONDUCTOR_BINARY: ('conductor', _conductor_managers,
                                   'nova-lite-conductor'),
    service_obj.SCHEDULER_BINARY: ('scheduler', _scheduler_manager,
                                   'nova-lite-scheduler'),
    service_obj.NETWORK_BINARY: ('network', _network_manager,
                                 'nova-lite-network'),
}


class Service:
    """Runs the endpoints of ``binary`` (a key of ``SERVICES``) for
    ``host`` until stopped."""

    def __init__(self, binary, host=None):
        self.binary = binary
        self.host = host or CONF.host
        self.topic, factory, self.script = SERVICES[binary]
        self.endpoints = factory(self.host)
        self.manager = self.endpoints[0]
        self.service_ref = None
        self.rpcserver = None
        self._loops = []

    def start(self):
        context = nova_context.get_admin_context()
        self.service_ref = objects.Service.get_by_host_and_binary(
            context, self.host, self.binary)
        if self.service_ref is None:
            self.service_ref = objects.Service(context=context,
                                               host=self.host,
                                               binary=self.binary,
                                               topic=self.topic)
            try:
                self.service_ref.create()
            except exception.NovaException:
                self.service_ref = objects.Service.get_by_host_and_binary(
                    context, self.host, self.binary)
        self.service_ref.heartbeat()

        if hasattr(self.manager, 'init_host'):
            self.manager.init_host()
        target = messaging.Target(topic=self.topic, server=self.host)
        self.rpcserver = rpc.get_server(target, self.endpoints)
        self.rpcserver.start()

        self._loops.append(utils.LoopingCall(
            self.report_state, CONF.report_interval,
            initial_delay=CONF.report_interval).start())
        if hasattr(self.manager, 'periodic_tasks'):
            for task, interval in self.manager.periodic_tasks():
                self._loops.append(utils.LoopingCall(
                    task, interval, initial_delay=interval).start())
        if hasattr(self.manager, 'post_start_hook'):
            self.manager.post_start_hook()
        # NOTE: "<script> started on host <host>" is what the test fixtures,
        # the lab and tools/run-main-job.sh wait for, in nova-lite-all too.
        LOG.info('%s started on host %s (binary %s, topic %s)', self.script,
                 self.host, self.binary, self.topic)
        return self

    def report_state(self):
        try:
            self.service_ref.heartbeat()
        except messaging.MessagingTimeout:
            LOG.warning('Heartbeat of %s timed out; is a conductor running?',
                        self.binary)
        except exception.ServiceNotFound:
            # NOTE: an admin deleted the service (DELETE /os-services/{id});
            # as in Nova it stays unregistered until it is restarted.
            LOG.warning('The service record of %s on %s was deleted; '
                        'restart the service to register it again.',
                        self.binary, self.host)

    def stop(self):
        for loop in self._loops:
            loop.stop()
        if self.rpcserver is not None:
            self.rpcserver.stop()
            self.rpcserver.wait()
        if hasattr(self.manager, 'driver'):
            self.manager.driver.cleanup_host(self.host)
        if hasattr(self.manager, 'cleanup_host'):
            self.manager.cleanup_host()


def _compute_api():
    from nova_lite.api import app
    return app.make_app()


def _metadata_api():
    from nova_lite.api.metadata import handler
    return handler.make_app()


def _compute_api_refusal(status, explanation):
    from nova_lite.api.openstack import wsgi
    return wsgi.fault(status, explanation)


# WSGI service name -> (factory of its application, what the log calls it)
WSGI_APPS = {
    'osapi_compute': (_compute_api, 'Compute API'),
    'metadata': (_metadata_api, 'Metadata API'),
}

# NOTE: how a WSGI service words the requests its server refuses before
# the application sees them (see utils.WSGIServer); the metadata API, like
# Nova's, answers webob's plain pages, the server's default.
WSGI_REFUSALS = {
    'osapi_compute': _compute_api_refusal,
}


class WSGIService:
    """An API served on ``<name>_listen:<name>_listen_port``: the Compute
    API (``osapi_compute``) or the metadata API (``metadata``), Nova's
    names."""

    def __init__(self, host=None, port=None, name='osapi_compute'):
        factory, self.title = WSGI_APPS[name]
        self.name = name
        self.app = factory()
        self.server = utils.WSGIServer(
            name, self.app,
            host or getattr(CONF, '%s_listen' % name),
            getattr(CONF, '%s_listen_port' % name) if port is None else port,
            refusal=WSGI_REFUSALS.get(name))

    def start(self):
        self.server.start()
        LOG.info('%s listening on http://%s:%s', self.title, self.server.host,
                 self.server.port)
        return self

    def stop(self):
        self.server.stop()
