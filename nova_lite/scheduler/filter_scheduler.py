"""The filter scheduler: filter, weigh, claim; explain when nothing fits."""

import random

from oslo_log import log as logging
from oslo_utils import excutils

from nova_lite import conf
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import server_group_api as group_db
from nova_lite import exception
from nova_lite import objects
from nova_lite.scheduler import filters as filters_mod
from nova_lite.scheduler import host_manager as host_manager_mod
from nova_lite.scheduler import utils
from nova_lite.scheduler import weights as weights_mod

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: an explanation over thousands of hosts must stay readable in a log
# line and an instance fault; name this many per filter, count the rest.
MAX_HOSTS_NAMED = 10

IGNORE_HOSTS = 'ignore_hosts'
FORCE_HOSTS = 'force_hosts/force_nodes'
REQUESTED_DESTINATION = 'requested_destination'
CLAIM = 'allocation claim'
CLAIM_LOST = 'free space taken by a concurrent request'


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def explain(total, runs):
    """Why no host is left, as one sentence per request.

    e.g. ``There are 2 compute hosts: ComputeFilter removed 0,
    ResourceFitFilter removed 2 (host-a: not enough MEMORY_MB: requested
    4096, free 2048; host-b: ...).``

    :param total: number of compute hosts considered.
    :param runs: :class:`~nova_lite.scheduler.filters.FilterRun` in order.
    """
    if not total:
        return 'There are no compute hosts.'
    verb = 'is' if total == 1 else 'are'
    head = 'There %s %s' % (verb, _plural(total, 'compute host'))
    parts = []
    for run in runs:
        text = '%s removed %d' % (run.name, run.removed_count)
        if run.removed:
            named = ['%s: %s' % (name, reason) if reason else name
                     for name, reason in run.removed[:MAX_HOSTS_NAMED]]
            more = run.removed_count - len(named)
            if more:
                named.append('and %d more' % more)
            text += ' (%s)' % '; '.join(named)
        parts.append(text)
    if not parts:
        return head + '.'
    return '%s: %s.' % (head, ', '.join(parts))


def _matches(names, value):
    # NOTE: host names are compared case-insensitively, as Nova does for
    # forced and ignored hosts.
    return value is not None and value.lower() in names


class FilterScheduler:
    """Places the instances of one request, claiming as it goes.

    Holds only its plugins, so one instance serves concurrent requests;
    everything about a request lives in the call.
    """

    def __init__(self, host_manager=None, host_filters=None, weighers=None):
        self.host_manager = host_manager or host_manager_mod.HostManager()
        if host_filters is None:
            host_filters = filters_mod.load_filters(
                CONF.filter_scheduler.enabled_filters)
        if weighers is None:
            weighers = weights_mod.load_weighers(
                CONF.filter_scheduler.weight_classes)
        self.filters = host_filters
        self.weighers = weighers

    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=True):
        """Pick and claim a host for each instance of a request.

        :param spec_obj: the RequestSpec shared by the instances.
        :param instance_uuids: one uuid per instance to place (it decides
            how many are placed, and is the consumer of each claim).
        :param return_alternates: also name up to ``[scheduler]
            max_attempts - 1`` other hosts that passed, for reschedules.
        :returns: a list with, per instance uuid in order, a list of
            Selection: the first is the chosen host, whose resources are
            claimed for that instance; the others are unclaimed alternates.
        :raises: NoValidHost if any instance cannot be placed; the claims
            already made for this request are released first.
        """
        instance_uuids = list(instance_uuids or [])
        if not instance_uuids:
            raise exception.InvalidInput(
                reason='select_destinations needs an instance uuid per '
                       'instance to place')
        host_states = self.host_manager.get_host_states(context)
        host_manager_mod.set_group_members(host_states, spec_obj)
        resources = utils.resources_from_spec(spec_obj)
        claimed = []
        selections = []
        # NOTE: a host whose claim was refused is full for this request's
        # size for the rest of the request; don't ask it again.
        refused = set()
        try:
            for index, instance_uuid in enumerate(instance_uuids):
                selections.append(self._place_one(
                    spec_obj, instance_uuid, host_states, resources,
                    refused, return_alternates, index, len(instance_uuids)))
                claimed.append(instance_uuid)
        except Exception:
            with excutils.save_and_reraise_exception():
                self._release(claimed)
        return selections

    def _place_one(self, spec_obj, instance_uuid, host_states, resources,
                   refused, return_alternates, index, count):
        candidates, runs = self._filter_hosts(host_states, spec_obj,
                                              refused)
        weighed = weights_mod.get_weighed_hosts(self.weighers, candidates,
                                                spec_obj)
        subset_size = CONF.filter_scheduler.host_subset_size
        lost = []
        group_lost = []
        chosen = None
        while weighed:
            # NOTE: a random pick among the best few keeps concurrent
            # schedulers from all racing for the one best host.
            pick = random.choice(weighed[:subset_size])
            weighed.remove(pick)
            try:
                claimed = group_db.allocation_claim(
                    _group_uuid(spec_obj), pick.obj.compute_node_id,
                    instance_uuid, resources)
            except exception.GroupAffinityViolation as error:
                # NOTE: a concurrent request placed a member of the group
                # since the host states were read: the claim, not the
                # filter, kept the rule; the explanation names the filter.
                LOG.info('Claim for instance %s on %s broke its server '
                         'group policy: %s', instance_uuid, pick.obj.name,
                         error.format_message())
                group_lost.append((pick.obj, error.kwargs['reason']))
                continue
            except exception.DBRetryExhausted:
                # NOTE: so contended that the claim kept losing races:
                # as good as taken, so try the next host.
                claimed = False
            if claimed:
                chosen = pick.obj
                break
            LOG.info('Claim for instance %s on %s was refused; trying the '
                     'next host', instance_uuid, pick.obj.name)
            refused.add(pick.obj.compute_node_id)
            lost.append((pick.obj, CLAIM_LOST))
        if chosen is None:
            if group_lost:
                runs.append(filters_mod.FilterRun(
                    _group_filter_name(spec_obj), group_lost))
            if lost:
                claim_run = filters_mod.FilterRun(CLAIM, lost)
                if runs and runs[0].name == CLAIM:
                    runs[0].removed.extend(claim_run.removed)
                else:
                    runs.append(claim_run)
            reason = explain(len(host_states), runs)
            if count > 1:
                reason += (' This was instance %d of %d' % (index + 1, count)
                           + ('; the claims of the %d before it were '
                              'released.' % index if index else '.'))
            LOG.warning('No valid host for instance %s: %s', instance_uuid,
                        reason)
            raise exception.NoValidHost(reason=reason)
        chosen.consume(resources)
        _add_group_member(spec_obj, chosen, instance_uuid)
        LOG.info('Instance %s claimed on %s; filters: %s', instance_uuid,
                 chosen.name, ', '.join('%s removed %d' % (
                     run.name, run.removed_count) for run in runs))
        alternates = []
        if return_alternates:
            alternates = [item.obj for item in
                          weighed[:CONF.scheduler.max_attempts - 1]]
        return [self._selection(host_state, resources)
                for host_state in [chosen] + alternates]

    def _filter_hosts(self, host_states, spec_obj, refused):
        """Apply the request's host constraints, then the filters.

        :returns: ``(passing hosts, [FilterRun, ...])``
        """
        runs = []
        hosts = list(host_states)
        if refused:
            hosts, removed = self._split(
                hosts, lambda h: h.compute_node_id not in refused,
                CLAIM_LOST)
            runs.append(filters_mod.FilterRun(CLAIM, removed))
        ignore = {h.lower() for h in spec_obj.get_default('ignore_hosts')
                  or []}
        if ignore:
            hosts, removed = self._split(
                hosts, lambda h: not _matches(ignore, h.host),
                'already tried or moving away')
            runs.append(filters_mod.FilterRun(IGNORE_HOSTS, removed))
        force_hosts = {h.lower() for h in
                       spec_obj.get_default('force_hosts') or []}
        force_nodes = {n.lower() for n in
                       spec_obj.get_default('force_nodes') or []}
        forced = bool(force_hosts or force_nodes)
        if forced:
            hosts, removed = self._split(
                hosts,
                lambda h: ((not force_hosts or _matches(force_hosts, h.host))
                           and (not force_nodes or
                                _matches(force_nodes, h.nodename))),
                'not the forced host')
            runs.append(filters_mod.FilterRun(FORCE_HOSTS, removed))
        destination = spec_obj.get_default('requested_destination')
        if destination:
            # NOTE: unlike a forced host, a requested destination (2.74)
            # still has to pass the filters.
            hosts, removed = self._split(
                hosts,
                lambda h: ((not destination.get('host') or
                            h.host == destination['host']) and
                           (not destination.get('node') or
                            h.nodename == destination['node'])),
                'not the requested destination')
            runs.append(filters_mod.FilterRun(REQUESTED_DESTINATION,
                                              removed))
        hosts, filter_runs = filters_mod.run_filters(self.filters, hosts,
                                                     spec_obj, forced=forced)
        return hosts, runs + filter_runs

    @staticmethod
    def _split(hosts, keep, reason):
        kept, removed = [], []
        for host_state in hosts:
            if keep(host_state):
                kept.append(host_state)
            else:
                removed.append((host_state, reason))
        return kept, removed

    @staticmethod
    def _selection(host_state, resources):
        return objects.Selection(
            service_host=host_state.host,
            nodename=host_state.nodename,
            compute_node_uuid=host_state.compute_node_uuid,
            compute_node_id=host_state.compute_node_id,
            resources=dict(resources),
            availability_zone=host_state.availability_zone)

    @staticmethod
    def _release(instance_uuids):
        for instance_uuid in instance_uuids:
            try:
                node_db.allocation_delete_by_consumer(instance_uuid)
            except Exception:
                # NOTE: keep releasing the others; the original error is
                # the one the caller must see.
                LOG.exception('Could not release the claim of instance %s',
                              instance_uuid)


# ---- server groups ---------------------------------------------------------

def _group_uuid(spec_obj):
    group = spec_obj.get_default('instance_group')
    return group.uuid if group is not None else None


def _group_filter_name(spec_obj):
    """The filter that stands for the group's policy in explanations."""
    group = spec_obj.get_default('instance_group')
    if group is not None and group.policy == group_db.AFFINITY:
        return 'ServerGroupAffinityFilter'
    return 'ServerGroupAntiAffinityFilter'


def _add_group_member(spec_obj, host_state, instance_uuid):
    """Count a claimed member for the rest of the request."""
    group = spec_obj.get_default('instance_group')
    if group is None:
        return
    host_state.group_members.add(instance_uuid)
    hosts = set(group.hosts if group.obj_attr_is_set('hosts') else [])
    hosts.add(host_state.host)
    group.hosts = sorted(hosts)
