"""A nova-lite service: an RPC server over a manager, its heartbeat and its
periodic tasks; and the WSGI services of the APIs. Each is an oslo.service
service, run by :func:`serve` under oslo.service's launchers.

This and ``cmd/`` are the only places that name manager classes.
"""

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import loopingcall
from oslo_service import service as os_service

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


# binary -> the option that says how many worker processes run it
WORKERS = {
    service_obj.CONDUCTOR_BINARY: ('workers', 'conductor'),
    service_obj.SCHEDULER_BINARY: ('workers', 'scheduler'),
    'osapi_compute': ('osapi_compute_workers', None),
}


def workers_of(binary):
    """How many processes run ``binary`` (a key of ``SERVICES`` or
    ``WSGI_APPS``): ``[conductor] workers``, ``[scheduler] workers``,
    ``osapi_compute_workers``; one for the rest (a compute host, the
    network host, the metadata API)."""
    name, group = WORKERS.get(binary, (None, None))
    if name is None:
        return 1
    return getattr(CONF[group], name) if group else getattr(CONF, name)


def serve(server, workers=1):
    """Run ``server`` (an oslo.service service) until the process is told
    to stop, under oslo.service's launcher: SIGTERM and SIGINT stop it
    gracefully (within ``graceful_shutdown_timeout``), SIGHUP re-reads the
    mutable options and restarts it. With ``workers`` > 1 it runs in that
    many forked processes (ProcessLauncher), which a dead one is replaced
    in.

    NOTE: an RPC service's workers each consume from the same topic and
    server queue, so the broker shares the messages among them; the
    API's workers accept on the socket the parent bound.
    """
    launcher = os_service.launch(CONF, server, workers=workers,
                                 restart_method='mutate')
    try:
        launcher.wait()
    finally:
        # NOTE: the broker connections (and their heartbeat threads) go
        # too, so nothing keeps the stopped process alive.
        rpc.cleanup()


def _logged(task):
    """``task``, whose errors are logged: a periodic task goes on after
    one failed run."""
    def run():
        try:
            task()
        except Exception:
            LOG.exception('Periodic task %s failed', task.__name__)
    run.__name__ = getattr(task, '__name__', 'task')
    return run


class Service(os_service.Service):
    """Runs the endpoints of ``binary`` (a key of ``SERVICES``) for
    ``host`` until stopped."""

    def __init__(self, binary, host=None):
        super().__init__()
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

        self._add_loop(self.report_state, CONF.report_interval)
        if hasattr(self.manager, 'periodic_tasks'):
            for task, interval in self.manager.periodic_tasks():
                self._add_loop(task, interval)
        if hasattr(self.manager, 'post_start_hook'):
            self.manager.post_start_hook()
        # NOTE: "<script> started on host <host>" is what the test fixtures,
        # the lab and tools/run-main-job.sh wait for, in nova-lite-all too.
        LOG.info('%s started on host %s (binary %s, topic %s)', self.script,
                 self.host, self.binary, self.topic)
        return self

    def _add_loop(self, task, interval):
        """Run ``task`` every ``interval`` seconds, the first time after
        one interval (oslo.service's fixed interval looping call)."""
        loop = loopingcall.FixedIntervalLoopingCall(_logged(task))
        loop.start(interval=interval, initial_delay=interval,
                   stop_on_exception=False)
        self._loops.append(loop)

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

    def stop(self, graceful=True):
        """Stop taking messages, let the handlers under way finish (the
        RPC server's wait), stop the periodic tasks, then clean up.

        NOTE: a ProcessLauncher calls this in the parent too, on the copy
        it forked its workers from, which never started: nothing to do.
        """
        if self.rpcserver is None and not self._loops:
            return
        for loop in self._loops:
            loop.stop()
        self._loops = []
        if self.rpcserver is not None:
            self.rpcserver.stop()
            self.rpcserver.wait()
            self.rpcserver = None
        # NOTE: a virt driver's; the scheduler's driver has none.
        if hasattr(getattr(self.manager, 'driver', None), 'cleanup_host'):
            self.manager.driver.cleanup_host(self.host)
        if hasattr(self.manager, 'cleanup_host'):
            self.manager.cleanup_host()
        super().stop(graceful)

    def wait(self):
        """Nothing runs on after :meth:`stop`: it waited already."""

    def reset(self):
        """SIGHUP: the launcher stops and starts the service again."""


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


class WSGIService(os_service.ServiceBase):
    """An API served on ``<name>_listen:<name>_listen_port``: the Compute
    API (``osapi_compute``) or the metadata API (``metadata``), Nova's
    names.

    NOTE: the socket is bound here, before a ProcessLauncher forks its
    workers, so they all accept on it.
    """

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

    def wait(self):
        self.server.wait()

    def reset(self):
        """SIGHUP: nothing to re-read beyond the mutable options."""


class ServiceGroup(os_service.ServiceBase):
    """Services started together by ``starter`` (a callable that starts
    them and returns them, e.g. nova-lite-all's), stopped in reverse
    order: one oslo.service service for one launcher."""

    def __init__(self, starter):
        self.starter = starter
        self.services = []

    def start(self):
        self.services = list(self.starter())

    def stop(self):
        for server in reversed(self.services):
            server.stop()

    def wait(self):
        for server in self.services:
            if hasattr(server, 'wait'):
                server.wait()

    def reset(self):
        """SIGHUP: nothing to re-read beyond the mutable options."""
