"""db/aggregate_api and db/service_api on a real sqlite database: the
migration matches the models, unique keys decide duplicates, and removing
a compute host takes its node and aggregate membership with it."""

import datetime

from alembic import autogenerate
from alembic import migration as alembic_migration
from oslo_utils import uuidutils
import pytest

from nova_lite.db import aggregate_api as db
from nova_lite.db import api as db_api
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import models
from nova_lite.db import service_api
from nova_lite import exception

COMPUTE = 'nova-compute'


def test_migration_matches_models_for_aggregate_tables(database):
    with db_api.get_engine().connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        diff = autogenerate.compare_metadata(context, models.Base.metadata)
    assert [change for change in diff if 'aggregate' in repr(change)] == []


def test_create_get_and_duplicate_name(database):
    row = db.aggregate_create('agg1', {'availability_zone': 'az1'})
    assert uuidutils.is_uuid_like(row.uuid)
    assert row.hosts == []
    assert [(m.key, m.value) for m in row.metadata_items] == [
        ('availability_zone', 'az1')]
    got = db.aggregate_get(row.id)
    assert (got.name, got.created_at) == ('agg1', row.created_at)
    with pytest.raises(exception.AggregateNameExists):
        db.aggregate_create('agg1')
    with pytest.raises(exception.AggregateNotFound):
        db.aggregate_get(row.id + 1)
    assert [r.name for r in db.aggregate_get_all()] == ['agg1']


def test_hosts(database):
    row = db.aggregate_create('agg1')
    row = db.aggregate_host_add(row.id, 'host-a')
    row = db.aggregate_host_add(row.id, 'host-b')
    assert [h.host for h in row.hosts] == ['host-a', 'host-b']
    assert row.updated_at is not None
    with pytest.raises(exception.AggregateHostExists):
        db.aggregate_host_add(row.id, 'host-a')
    row = db.aggregate_host_delete(row.id, 'host-a')
    assert [h.host for h in row.hosts] == ['host-b']
    with pytest.raises(exception.AggregateHostNotFound):
        db.aggregate_host_delete(row.id, 'host-a')
    with pytest.raises(exception.AggregateNotFound):
        db.aggregate_host_add(row.id + 1, 'host-a')


def test_update_name_and_metadata(database):
    row = db.aggregate_create('agg1', {'a': '1', 'b': '2'})
    db.aggregate_create('agg2')
    row = db.aggregate_update(row.id, name='renamed',
                              metadata={'a': '10', 'b': None, 'c': '3'})
    assert row.name == 'renamed'
    assert {m.key: m.value for m in row.metadata_items} == {'a': '10',
                                                            'c': '3'}
    with pytest.raises(exception.AggregateNameExists):
        db.aggregate_update(row.id, name='agg2')
    assert db.aggregate_get(row.id).name == 'renamed'


def test_destroy_takes_hosts_and_metadata(database):
    row = db.aggregate_create('agg1', {'availability_zone': 'az1'})
    db.aggregate_host_add(row.id, 'host-a')
    db.aggregate_destroy(row.id)
    with pytest.raises(exception.AggregateNotFound):
        db.aggregate_get(row.id)
    assert db.host_availability_zones() == {}
    with pytest.raises(exception.AggregateNotFound):
        db.aggregate_destroy(row.id)


def test_zones_of_hosts_and_by_host(database):
    az1 = db.aggregate_create('agg1', {'availability_zone': 'az1'})
    plain = db.aggregate_create('plain', {'ssd': 'true'})
    az2 = db.aggregate_create('agg2', {'availability_zone': 'az2'})
    db.aggregate_host_add(az1.id, 'host-a')
    db.aggregate_host_add(plain.id, 'host-a')
    db.aggregate_host_add(plain.id, 'host-b')
    db.aggregate_host_add(az2.id, 'host-c')
    assert db.host_availability_zones() == {'host-a': 'az1',
                                            'host-c': 'az2'}
    assert db.availability_zone_names() == ['az1', 'az2']
    assert [a.name for a in db.aggregate_get_by_host('host-a')] == [
        'agg1', 'plain']
    assert [a.name for a in db.aggregate_get_by_host(
        'host-a', key='availability_zone')] == ['agg1']
    db.aggregate_host_delete_all('host-a')
    assert db.aggregate_get_by_host('host-a') == []
    assert [h.host for h in db.aggregate_get(plain.id).hosts] == ['host-b']


def _compute_host(host):
    service = service_api.service_create({'uuid': uuidutils.generate_uuid(),
                                          'host': host, 'binary': COMPUTE})
    node = node_db.compute_node_create_or_update(host, host, dict(
        hypervisor_type='fake', vcpus=2, memory_mb=2048, local_gb=20,
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0,
        disk_allocation_ratio=1.0))
    return service, node


def test_service_by_uuid(database):
    service, _node = _compute_host('host-a')
    assert service_api.service_get_by_uuid(service.uuid).id == service.id
    with pytest.raises(exception.ServiceNotFound):
        service_api.service_get_by_uuid(uuidutils.generate_uuid())


def test_destroy_compute_host(database):
    service, node = _compute_host('host-a')
    _other, other_node = _compute_host('host-b')
    agg = db.aggregate_create('agg1', {'availability_zone': 'az1'})
    db.aggregate_host_add(agg.id, 'host-a')
    db.aggregate_host_add(agg.id, 'host-b')
    instance = instance_db.instance_create({
        'uuid': uuidutils.generate_uuid(), 'user_id': 'u',
        'project_id': 'p', 'host': 'host-a', 'node': 'host-a',
        'created_at': datetime.datetime(2026, 1, 1)})
    with pytest.raises(exception.ComputeServiceInUse):
        service_api.service_destroy_with_host(service.id, COMPUTE)
    assert service_api.service_get(service.id)
    instance_db.instance_destroy(instance.uuid)
    service_api.service_destroy_with_host(service.id, COMPUTE)
    with pytest.raises(exception.ServiceNotFound):
        service_api.service_get(service.id)
    assert [n.id for n in node_db.compute_node_get_all()] == [other_node.id]
    assert [h.host for h in db.aggregate_get(agg.id).hosts] == ['host-b']
    with pytest.raises(exception.ServiceNotFound):
        service_api.service_destroy_with_host(service.id, COMPUTE)
    assert node.id != other_node.id
