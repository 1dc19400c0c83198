"""Every rpcapi method: topic, server, version, cast vs call, arguments;
and what it sends, or refuses, under an ``[upgrade_levels]`` cap."""

from unittest import mock

import oslo_messaging as messaging
import pytest

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import exception
from nova_lite.network import rpcapi as network_rpcapi
from nova_lite import rpc
from nova_lite.scheduler import rpcapi as scheduler_rpcapi

CTXT = object()

# (client class, method, kwargs, rpc kind, prepare kwargs, wire kwargs)
CASES = [
    (compute_rpcapi.ComputeAPI, 'build_and_run_instance',
     dict(instance='inst', host='h1', image='img', request_spec='spec',
          admin_password='pw', injected_files=[], requested_networks=None,
          host_list=['sel'], node='n1'),
     'cast', dict(server='h1', version='1.0'),
     dict(instance='inst', image='img', request_spec='spec',
          admin_password='pw', injected_files=[], requested_networks=None,
          host_list=['sel'], node='n1')),
    (compute_rpcapi.ComputeAPI, 'terminate_instance',
     dict(instance='inst', host='h2'),
     'cast', dict(server='h2', version='1.0'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'stop_instance',
     dict(instance='inst', host='h1', clean_shutdown=False),
     'cast', dict(server='h1', version='1.1'),
     dict(instance='inst', clean_shutdown=False)),
    (compute_rpcapi.ComputeAPI, 'start_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.1'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'reboot_instance',
     dict(instance='inst', host='h3', reboot_type='HARD'),
     'cast', dict(server='h3', version='1.1'),
     dict(instance='inst', reboot_type='HARD')),
    (compute_rpcapi.ComputeAPI, 'get_console_output',
     dict(instance='inst', host='h1', tail_length=10),
     'call', dict(server='h1', version='1.1'),
     dict(instance='inst', tail_length=10)),
    (compute_rpcapi.ComputeAPI, 'get_host_uptime',
     dict(host='h1'), 'call', dict(server='h1', version='1.5'), dict()),
    (compute_rpcapi.ComputeAPI, 'get_diagnostics',
     dict(instance='inst', host='h1'), 'call',
     dict(server='h1', version='1.7'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'get_instance_diagnostics',
     dict(instance='inst', host='h2'), 'call',
     dict(server='h2', version='1.7'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'backup_instance',
     dict(instance='inst', host='h1', image_id='img', backup_type='daily',
          rotation=2), 'cast', dict(server='h1', version='1.7'),
     dict(instance='inst', image_id='img', backup_type='daily',
          rotation=2)),
    (compute_rpcapi.ComputeAPI, 'external_instance_event',
     dict(instances=['inst'], events=[{'name': 'network-changed'}],
          host='h3'), 'cast', dict(server='h3', version='1.7'),
     dict(instances=['inst'], events=[{'name': 'network-changed'}])),
    (compute_rpcapi.ComputeAPI, 'audit_orphans',
     dict(host='h2', delete=True), 'call', dict(server='h2', version='1.8'),
     dict(delete=True)),
    (compute_rpcapi.ComputeAPI, 'pause_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.2'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'unpause_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.2'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'suspend_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.2'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'resume_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.2'), dict(instance='inst')),
    (scheduler_rpcapi.SchedulerAPI, 'select_destinations',
     dict(spec_obj='spec', instance_uuids=['u1'], return_alternates=True),
     'call', dict(version='1.0'),
     dict(spec_obj='spec', instance_uuids=['u1'], return_alternates=True)),
    (conductor_rpcapi.ComputeTaskAPI, 'build_instances',
     dict(instances=['i'], image='img', request_spec='spec',
          admin_password=None, injected_files=None, requested_networks=None,
          host_lists=[['a']]),
     'cast', dict(version='1.0'),
     dict(instances=['i'], image='img', request_spec='spec',
          admin_password=None, injected_files=None, requested_networks=None,
          host_lists=[['a']])),
    (conductor_rpcapi.ConductorAPI, 'object_action',
     dict(objinst='o', objmethod='save', args=(), kwargs={}),
     'call', dict(version='1.0'),
     dict(objinst='o', objmethod='save', args=(), kwargs={})),
    (conductor_rpcapi.ConductorAPI, 'object_class_action_versions',
     dict(objname='Instance', objmethod='get_by_uuid',
          object_versions={'Instance': '1.0'}, args=('u',), kwargs={}),
     'call', dict(version='1.0'),
     dict(objname='Instance', objmethod='get_by_uuid',
          object_versions={'Instance': '1.0'}, args=('u',), kwargs={})),
    (conductor_rpcapi.ConductorAPI, 'object_backport_versions',
     dict(objinst='o', object_versions={'Instance': '1.0'}),
     'call', dict(version='1.0'),
     dict(objinst='o', object_versions={'Instance': '1.0'})),
]


# ---- network 1.0 ----
CASES += [
    (network_rpcapi.NetworkAPI, 'refresh_networks',
     dict(network_uuids=['n1']),
     'cast', dict(version='1.0', fanout=True), dict(network_uuids=['n1'])),
]


# ---- compute 1.4 (snapshot, shelve, rescue, soft delete), conductor 1.2 ----
CASES += [
    (compute_rpcapi.ComputeAPI, 'snapshot_instance',
     dict(instance='inst', host='h1', image_id='img1'),
     'cast', dict(server='h1', version='1.4'),
     dict(instance='inst', image_id='img1')),
    (compute_rpcapi.ComputeAPI, 'shelve_instance',
     dict(instance='inst', host='h1', image_id='img1', clean_shutdown=False),
     'cast', dict(server='h1', version='1.4'),
     dict(instance='inst', image_id='img1', clean_shutdown=False)),
    (compute_rpcapi.ComputeAPI, 'shelve_offload_instance',
     dict(instance='inst', host='h2'),
     'cast', dict(server='h2', version='1.4'),
     dict(instance='inst', clean_shutdown=True)),
    (compute_rpcapi.ComputeAPI, 'unshelve_instance',
     dict(instance='inst', host='h2', node='n2'),
     'cast', dict(server='h2', version='1.4'),
     dict(instance='inst', node='n2')),
    (compute_rpcapi.ComputeAPI, 'rescue_instance',
     dict(instance='inst', host='h1', rescue_password='pw',
          rescue_image_ref='img2'),
     'cast', dict(server='h1', version='1.4'),
     dict(instance='inst', rescue_password='pw', rescue_image_ref='img2',
          clean_shutdown=True)),
    (compute_rpcapi.ComputeAPI, 'unrescue_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.4'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'soft_delete_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.4'), dict(instance='inst')),
    (compute_rpcapi.ComputeAPI, 'restore_instance',
     dict(instance='inst', host='h1'),
     'cast', dict(server='h1', version='1.4'), dict(instance='inst')),
    (conductor_rpcapi.ComputeTaskAPI, 'unshelve_instance',
     dict(instance='inst', request_spec='spec'),
     'cast', dict(version='1.2'),
     dict(instance='inst', request_spec='spec')),
]


# ---- compute 1.3 (resize, rebuild), conductor 1.1 (migrate_server) ----
CASES += [
    (compute_rpcapi.ComputeAPI, 'prep_resize',
     dict(instance='inst', migration='mig', flavor='flv', host='h2'),
     'cast', dict(server='h2', version='1.3'),
     dict(instance='inst', migration='mig', flavor='flv',
          clean_shutdown=True)),
    (compute_rpcapi.ComputeAPI, 'resize_instance',
     dict(instance='inst', migration='mig', flavor='flv', host='h1',
          clean_shutdown=False),
     'cast', dict(server='h1', version='1.3'),
     dict(instance='inst', migration='mig', flavor='flv',
          clean_shutdown=False)),
    (compute_rpcapi.ComputeAPI, 'finish_resize',
     dict(instance='inst', migration='mig', disk_info='{}', host='h2'),
     'cast', dict(server='h2', version='1.3'),
     dict(instance='inst', migration='mig', disk_info='{}')),
    (compute_rpcapi.ComputeAPI, 'confirm_resize',
     dict(instance='inst', migration='mig', host='h1'),
     'cast', dict(server='h1', version='1.3'),
     dict(instance='inst', migration='mig')),
    (compute_rpcapi.ComputeAPI, 'revert_resize',
     dict(instance='inst', migration='mig', host='h2'),
     'cast', dict(server='h2', version='1.3'),
     dict(instance='inst', migration='mig')),
    (compute_rpcapi.ComputeAPI, 'finish_revert_resize',
     dict(instance='inst', migration='mig', host='h1'),
     'cast', dict(server='h1', version='1.3'),
     dict(instance='inst', migration='mig')),
    (compute_rpcapi.ComputeAPI, 'rebuild_instance',
     dict(instance='inst', image='img', host='h1', admin_password='pw'),
     'cast', dict(server='h1', version='1.3'),
     dict(instance='inst', image='img', admin_password='pw',
          preserve_ephemeral=False)),
    (conductor_rpcapi.ComputeTaskAPI, 'migrate_server',
     dict(instance='inst', flavor='flv', migration='mig'),
     'call', dict(version='1.1'),
     dict(instance='inst', flavor='flv', migration='mig',
          clean_shutdown=True)),
]


# ---- compute 1.6 (live migration, evacuation), conductor 1.3 ----
LONG = rpc.CONF.long_rpc_timeout
CASES += [
    (compute_rpcapi.ComputeAPI, 'check_can_live_migrate_destination',
     dict(instance='inst', destination='h2', block_migration=None),
     'call', dict(server='h2', version='1.6', timeout=LONG),
     dict(instance='inst', block_migration=None)),
    (compute_rpcapi.ComputeAPI, 'check_can_live_migrate_source',
     dict(instance='inst', migrate_data={'a': 1}, host='h1'),
     'call', dict(server='h1', version='1.6'),
     dict(instance='inst', migrate_data={'a': 1})),
    (compute_rpcapi.ComputeAPI, 'live_migration',
     dict(instance='inst', dest='h2', migration='mig',
          migrate_data={'a': 1}, host='h1'),
     'cast', dict(server='h1', version='1.6'),
     dict(instance='inst', dest='h2', migration='mig',
          migrate_data={'a': 1})),
    (compute_rpcapi.ComputeAPI, 'pre_live_migration',
     dict(instance='inst', disk_info='{}', migrate_data={'a': 1}, host='h2'),
     'call', dict(server='h2', version='1.6', timeout=LONG),
     dict(instance='inst', disk_info='{}', migrate_data={'a': 1})),
    (compute_rpcapi.ComputeAPI, 'post_live_migration_at_destination',
     dict(instance='inst', migration='mig', migrate_data={'a': 1},
          host='h2'),
     'call', dict(server='h2', version='1.6', timeout=LONG),
     dict(instance='inst', migration='mig', migrate_data={'a': 1})),
    (compute_rpcapi.ComputeAPI, 'rollback_live_migration_at_destination',
     dict(instance='inst', migrate_data={'a': 1}, host='h2'),
     'cast', dict(server='h2', version='1.6'),
     dict(instance='inst', migrate_data={'a': 1})),
    (compute_rpcapi.ComputeAPI, 'live_migration_force_complete',
     dict(instance='inst', migration='mig', host='h1'),
     'cast', dict(server='h1', version='1.6'),
     dict(instance='inst', migration='mig')),
    (compute_rpcapi.ComputeAPI, 'live_migration_abort',
     dict(instance='inst', migration='mig', host='h1'),
     'cast', dict(server='h1', version='1.6'),
     dict(instance='inst', migration='mig')),
    (compute_rpcapi.ComputeAPI, 'evacuate_instance',
     dict(instance='inst', image='img', migration='mig', host='h3',
          node='n3', target_state='stopped'),
     'cast', dict(server='h3', version='1.6'),
     dict(instance='inst', image='img', migration='mig', node='n3',
          admin_password=None, target_state='stopped')),
    (conductor_rpcapi.ComputeTaskAPI, 'live_migrate_instance',
     dict(instance='inst', migration='mig', host_name=None,
          block_migration=True),
     'call', dict(version='1.3'),
     dict(instance='inst', migration='mig', host_name=None,
          block_migration=True, force=False)),
    (conductor_rpcapi.ComputeTaskAPI, 'evacuate_instance',
     dict(instance='inst', image='img', migration='mig', host_name='h3',
          force=True),
     'call', dict(version='1.3'),
     dict(instance='inst', image='img', migration='mig', host_name='h3',
          force=True, admin_password=None, target_state=None)),
]


@pytest.mark.parametrize('cls,method,kwargs,kind,prepare,wire', CASES,
                         ids=[c[1] for c in CASES])
def test_rpcapi_method(cls, method, kwargs, kind, prepare, wire):
    client = mock.Mock()
    with mock.patch('nova_lite.rpc.get_client', return_value=client):
        api = cls()
    result = getattr(api, method)(CTXT, **kwargs)
    client.prepare.assert_called_once_with(**prepare)
    cctxt = client.prepare.return_value
    getattr(cctxt, kind).assert_called_once_with(CTXT, method, **wire)
    other = 'call' if kind == 'cast' else 'cast'
    getattr(cctxt, other).assert_not_called()
    if kind == 'call':
        assert result is cctxt.call.return_value


@pytest.mark.parametrize('cls,topic,namespace', [
    (compute_rpcapi.ComputeAPI, 'compute', None),
    (scheduler_rpcapi.SchedulerAPI, 'scheduler', None),
    (conductor_rpcapi.ConductorAPI, 'conductor', None),
    (conductor_rpcapi.ComputeTaskAPI, 'conductor', 'compute_task'),
    (network_rpcapi.NetworkAPI, 'network', None),
])
def test_rpcapi_target_and_cap(cls, topic, namespace):
    with mock.patch('nova_lite.rpc.get_client') as get_client:
        cls()
    target = get_client.call_args.args[0]
    assert target.topic == topic
    assert target.namespace == namespace
    assert target.version == cls.VERSION
    assert 'version_cap' in get_client.call_args.kwargs


# ---- version caps ([upgrade_levels]) ----------------------------------------
#
# A real client on the fake transport, so that oslo.messaging's own cap
# check runs; ``_send`` records the message instead of sending it.

CAP_GROUP = {
    compute_rpcapi.ComputeAPI: 'compute',
    conductor_rpcapi.ConductorAPI: 'conductor',
    conductor_rpcapi.ComputeTaskAPI: 'conductor',
    scheduler_rpcapi.SchedulerAPI: 'scheduler',
    network_rpcapi.NetworkAPI: 'network',
}


@pytest.fixture
def wire(monkeypatch):
    """The messages clients made after it put them on the fake
    transport."""
    transport = messaging.get_rpc_transport(rpc.CONF, url='fake:/')
    monkeypatch.setattr(rpc, 'TRANSPORT', transport)
    with mock.patch.object(transport, '_send', return_value=None) as send:
        yield send
    transport.cleanup()


def _capped(cls, flags, cap):
    flags(group='upgrade_levels', **{CAP_GROUP[cls]: cap})
    return cls()


def _before(version):
    major, minor = version.split('.')
    return '%s.%d' % (major, int(minor) - 1)


NEWER_THAN_BASE = [case for case in CASES
                   if case[4]['version'] != case[0].VERSION.split('.')[0] +
                   '.0']
BASE = [case for case in CASES if case not in NEWER_THAN_BASE]


@pytest.mark.parametrize('cls,method,kwargs,kind,prepare,wire_kwargs',
                         NEWER_THAN_BASE, ids=[c[1] for c in NEWER_THAN_BASE])
def test_capped_below_a_method_refuses_it(ctxt, flags, wire, cls, method,
                                          kwargs, kind, prepare,
                                          wire_kwargs):
    """The method did not exist below its version: nothing is sent, and
    the error says which cap to raise."""
    cap = _before(prepare['version'])
    api = _capped(cls, flags, cap)
    with pytest.raises(exception.RPCVersionCapped) as raised:
        getattr(api, method)(ctxt, **kwargs)
    wire.assert_not_called()
    message = raised.value.format_message()
    assert method in message
    assert '[upgrade_levels] %s caps it at %s' % (CAP_GROUP[cls],
                                                  cap) in message
    assert raised.value.code == 409


@pytest.mark.parametrize('cls,method,kwargs,kind,prepare,wire_kwargs',
                         CASES, ids=[c[1] for c in CASES])
def test_capped_at_a_method_sends_it(ctxt, flags, wire, cls, method, kwargs,
                                     kind, prepare, wire_kwargs):
    api = _capped(cls, flags, prepare['version'])
    getattr(api, method)(ctxt, **kwargs)
    message = wire.call_args.args[2]
    assert message['method'] == method
    assert message['version'] == prepare['version']
    assert message['args'] == wire_kwargs


@pytest.mark.parametrize('cap', ['1.1', '1.2'])
def test_migrate_server_below_1_3_sends_the_1_1_form(ctxt, flags, wire,
                                                     cap):
    api = _capped(conductor_rpcapi.ComputeTaskAPI, flags, cap)
    api.migrate_server(ctxt, instance='inst', flavor='flv', migration='mig')
    message = wire.call_args.args[2]
    assert message['version'] == '1.1'
    assert 'host_name' not in message['args']


def test_migrate_server_to_a_host_is_refused_below_1_3(ctxt, flags, wire):
    """An older conductor would ignore the requested host; the request is
    refused rather than the host dropped."""
    api = _capped(conductor_rpcapi.ComputeTaskAPI, flags, '1.2')
    with pytest.raises(exception.RPCVersionCapped):
        api.migrate_server(ctxt, instance='inst', flavor='flv',
                           migration='mig', host_name='h2')
    wire.assert_not_called()


def test_migrate_server_to_a_host_at_1_3(ctxt, flags, wire):
    api = _capped(conductor_rpcapi.ComputeTaskAPI, flags, '1.3')
    api.migrate_server(ctxt, instance='inst', flavor='flv', migration='mig',
                       host_name='h2')
    message = wire.call_args.args[2]
    assert message['version'] == '1.3'
    assert message['args']['host_name'] == 'h2'


def test_migrate_server_below_1_1_is_refused(ctxt, flags, wire):
    api = _capped(conductor_rpcapi.ComputeTaskAPI, flags, '1.0')
    with pytest.raises(exception.RPCVersionCapped):
        api.migrate_server(ctxt, instance='inst', flavor='flv',
                           migration='mig')
    wire.assert_not_called()
