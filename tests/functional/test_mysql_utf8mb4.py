"""On a MariaDB database whose default character set is latin1 (the
default of many servers), text outside latin1 is stored and answered, not
a 500: migration 0013 converts the tables to utf8mb4, keeping the text
they hold, and the connection speaks utf8mb4 even when the URL names no
charset.
"""

import datetime

from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from nova_lite import conf
from nova_lite.db import api as db_api
from nova_lite.db import quota_api as quota_db
from nova_lite.db import migration
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import database as database_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.mysql]

CONF = conf.CONF
BEYOND_LATIN1 = 'снег-雪-☃-🙂'


@pytest.fixture
def latin1_url():
    """A fresh latin1 database; its URL names no charset."""
    with use_fixture(database_mod.Database('mysql',
                                           charset='latin1')) as database:
        yield database.url.split('?')[0]


@pytest.fixture
def engine_on(latin1_url):
    CONF.set_override('connection', latin1_url, group='database')
    db_api.dispose_engine()
    try:
        yield db_api.get_engine
    finally:
        db_api.dispose_engine()
        CONF.clear_override('connection', group='database')


def _not_utf8mb4(engine):
    """(table, column) of every text column not in utf8mb4."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(
            'SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS '
            'WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT '
            "NULL AND CHARACTER_SET_NAME != 'utf8mb4'"))]


def _foreign_keys(engine):
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(sa.text(
            'SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, '
            'DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS '
            'WHERE CONSTRAINT_SCHEMA = DATABASE()')))


def _insert_quota(engine, project_id):
    with engine.begin() as conn:
        conn.execute(sa.text(
            'INSERT INTO quotas (project_id, resource, hard_limit, '
            'created_at) VALUES (:project, :resource, 3, :now)'),
            {'project': project_id, 'resource': 'instances',
             'now': datetime.datetime(2026, 12, 10)})


def test_0013_converts_latin1_tables_and_keeps_their_text(engine_on):
    migration.db_sync('0012')
    engine = engine_on()
    assert ('quotas', 'project_id') in _not_utf8mb4(engine)
    keys = _foreign_keys(engine)
    assert keys
    _insert_quota(engine, 'café')
    # NOTE: what the API met before: the server refuses the text (strict
    # mode) and the request ended in a 500.
    with pytest.raises(db_exc.DBError):
        _insert_quota(engine, BEYOND_LATIN1)

    migration.db_sync('0013')

    assert migration.db_version() == '0013'
    assert _not_utf8mb4(engine) == []
    assert _foreign_keys(engine) == keys
    assert quota_db.quota_get_all_by_project('café') == {'instances': 3}
    quota_db.quota_set(BEYOND_LATIN1, {'instances': 5})
    assert quota_db.quota_get_all_by_project(BEYOND_LATIN1) == {
        'instances': 5}
    with engine.connect() as conn:
        default = conn.execute(sa.text(
            'SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.'
            'SCHEMATA WHERE SCHEMA_NAME = DATABASE()')).scalar()
    assert default == 'utf8mb4'


def test_the_connection_speaks_utf8mb4_without_a_charset(engine_on):
    with engine_on().connect() as conn:
        assert conn.execute(sa.text(
            'SELECT @@character_set_client')).scalar() == 'utf8mb4'


def test_api_stores_and_answers_text_beyond_latin1(base_tmp, latin1_url):
    # NOTE: nova-lite-all on the latin1 database: it syncs the schema
    # itself when it starts.
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'utf8mb4-latin1'),
            conf={'database': {'connection': latin1_url}})) as cloud:
        # NOTE: metadata keys are Nova's ASCII pattern; values are text.
        body = cloud.client.create_server(
            BEYOND_LATIN1, metadata={'snow': BEYOND_LATIN1})
        server_id = body['server']['id']
        try:
            server = cloud.client.wait_for_status(server_id)
            assert server['name'] == BEYOND_LATIN1
            assert server['metadata'] == {'snow': BEYOND_LATIN1}
            response = cloud.client.post(
                '/servers/%s/metadata' % server_id,
                json={'metadata': {'k': '🙂' * 10}}, expected=200)
            assert response.json()['metadata']['k'] == '🙂' * 10
        finally:
            cloud.client.delete_server(server_id, expected=(204, 404))
            cloud.client.wait_for_deleted(server_id)
