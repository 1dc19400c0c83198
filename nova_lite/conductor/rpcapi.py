"""Client side of the conductor's RPC API: the only place that knows its
topic, namespaces and method signatures."""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite import conf
from nova_lite import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)

RPC_TOPIC = 'conductor'
COMPUTE_TASK_NAMESPACE = 'compute_task'


class ConductorAPI:
    """Object indirection for services without a database.

    API version history:

    * 1.0 - object_class_action_versions, object_action,
            object_backport_versions, ping
    """

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version='1.0')
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.conductor)

    def ping(self, context, arg, timeout=None):
        """Echo ``arg`` (call): proves a conductor is listening."""
        cctxt = self.client.prepare(version='1.0', timeout=timeout)
        return cctxt.call(context, 'ping', arg=arg)

    def wait_until_ready(self, context, early_timeout=10):
        """Block until a conductor answers a ping.

        A message sent before any conductor declared its queue is lost, so
        a service starting alongside the conductor waits for an answer
        rather than for a long RPC timeout.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                self.ping(context, 'ready', timeout=early_timeout)
                return
            except messaging.MessagingTimeout:
                LOG.warning('No conductor answered after %d attempt(s); '
                            'still waiting', attempt)

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'object_class_action_versions',
                          objname=objname, objmethod=objmethod,
                          object_versions=object_versions,
                          args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'object_action', objinst=objinst,
                          objmethod=objmethod, args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'object_backport_versions',
                          objinst=objinst, object_versions=object_versions)


class ComputeTaskAPI:
    """Multi-step work the conductor orchestrates.

    API version history:

    * 1.0 - build_instances
    * 1.1 - migrate_server (a call: a resize's scheduling answers the API)
    * 1.2 - unshelve_instance
    * 1.3 - migrate_server takes host_name (a cold migration's requested
      destination); live_migrate_instance and evacuate_instance (calls:
      the scheduling and pre-checks answer the API)

    Under an ``[upgrade_levels] conductor`` cap a method newer than the
    cap raises RPCVersionCapped rather than send what the conductor could
    not dispatch; migrate_server without a host_name goes as 1.1.
    """

    VERSION = '1.3'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC,
                                  namespace=COMPUTE_TASK_NAMESPACE,
                                  version=self.VERSION)
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.conductor)

    def build_instances(self, context, instances, image, request_spec,
                        admin_password=None, injected_files=None,
                        requested_networks=None, host_lists=None):
        """Schedule and build ``instances`` (cast).

        :param host_lists: per instance, the alternates left to try after
            a failed build; when None the scheduler is asked.
        """
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(context, 'build_instances', instances=instances,
                   image=image, request_spec=request_spec,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   host_lists=host_lists)

    # ---- resize (1.1) ----

    def migrate_server(self, context, instance, flavor, migration,
                       clean_shutdown=True, host_name=None):
        """Schedule the resize of ``instance`` to ``flavor`` and hand it to
        the destination host (call: returns once the host is chosen).

        :param migration: the Migration the compute API recorded.
        :param host_name: the requested destination (1.3); without one
            the 1.1 form is sent, which a conductor before 1.3 takes.
        :raises: NoValidHost when no host fits; the instance is then back
            in its state with a fault, as Nova leaves it.
        :raises: RPCVersionCapped for a ``host_name`` when
            ``[upgrade_levels] conductor`` is below 1.3: an older
            conductor would not honour it, so it is not dropped.
        """
        kwargs = {}
        version = '1.1'
        if host_name is not None:
            version = '1.3'
            kwargs['host_name'] = host_name
        cctxt = rpc.prepare(self.client, 'migrate_server', version)
        return cctxt.call(context, 'migrate_server', instance=instance,
                          flavor=flavor, migration=migration,
                          clean_shutdown=clean_shutdown, **kwargs)

    def live_migrate_instance(self, context, instance, migration, host_name,
                              block_migration, force=False):
        """Pick (or check) the destination of a live migration, run the
        pre-checks on both hosts, and start it on the source (call:
        returns once it is started).

        :param block_migration: True, False or None ("auto").
        :raises: NoValidHost and the pre-check errors (400 at the API);
            the instance is then as before.
        """
        cctxt = rpc.prepare(self.client, 'live_migrate_instance', '1.3')
        return cctxt.call(context, 'live_migrate_instance',
                          instance=instance, migration=migration,
                          host_name=host_name,
                          block_migration=block_migration, force=force)

    def evacuate_instance(self, context, instance, image, migration,
                          host_name, force=False, admin_password=None,
                          target_state=None):
        """Pick (or check) a host for an instance whose host is down and
        have it rebuild the instance there from ``image`` (an ImageMeta)
        (call: returns once the host is chosen).

        :raises: NoValidHost; the instance is then as before.
        """
        cctxt = rpc.prepare(self.client, 'evacuate_instance', '1.3')
        return cctxt.call(context, 'evacuate_instance', instance=instance,
                          image=image, migration=migration,
                          host_name=host_name,
                          force=force, admin_password=admin_password,
                          target_state=target_state)

    def unshelve_instance(self, context, instance, request_spec=None):
        """Bring a shelved instance back (cast): a SHELVED one on its own
        host, a SHELVED_OFFLOADED one on a host the scheduler picks.

        :param request_spec: the instance's RequestSpec with this
            request's ``availability_zone`` (2.77) or forced host (2.91);
            None reads the stored one.
        """
        cctxt = rpc.prepare(self.client, 'unshelve_instance', '1.2')
        cctxt.cast(context, 'unshelve_instance', instance=instance,
                   request_spec=request_spec)
