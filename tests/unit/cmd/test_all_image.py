"""nova-lite-all runs the image service and points an unset [glance]
api_servers at it; nova-lite-image's endpoint helpers."""

from unittest import mock

import oslo_messaging.opts as messaging_opts
import pytest

from nova_lite.cmd import all as all_cmd
from nova_lite.cmd import image as image_cmd
from nova_lite import conf

CONF = conf.CONF


@pytest.mark.parametrize('host,port,url', [
    ('0.0.0.0', 9292, 'http://127.0.0.1:9292'),
    ('', 9292, 'http://127.0.0.1:9292'),
    ('127.0.0.1', 19292, 'http://127.0.0.1:19292'),
    ('192.0.2.7', 9292, 'http://192.0.2.7:9292'),
    ('::', 9292, 'http://[::1]:9292'),
    ('fd00::5', 80, 'http://[fd00::5]:80'),
])
def test_local_url(host, port, url):
    assert image_cmd.local_url(host, port) == url


def test_local_url_defaults_to_the_bind_options(flags):
    flags(bind_host='0.0.0.0', bind_port=9393, group='image_service')
    assert image_cmd.local_url() == 'http://127.0.0.1:9393'


def test_use_local_if_unset(flags):
    flags(api_servers=[], group='glance')
    flags(bind_host='127.0.0.1', bind_port=9494, group='image_service')
    assert image_cmd.use_local_if_unset() == ['http://127.0.0.1:9494']
    flags(api_servers=['http://glance.example:9292'], group='glance')
    assert image_cmd.use_local_if_unset() == ['http://glance.example:9292']


@pytest.fixture
def started(monkeypatch):
    """start_all with every service and the database mocked out."""
    # NOTE: transport_url, as nova_lite.config.setup registers it.
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts(opts)
    calls = mock.Mock()
    monkeypatch.setattr(all_cmd.manage, 'image_db_sync', calls.image_db_sync)
    monkeypatch.setattr(all_cmd.manage, 'db_sync', calls.db_sync)
    monkeypatch.setattr(all_cmd.manage, 'bootstrap', calls.bootstrap)
    server = mock.Mock(host='127.0.0.1', port=40123)
    monkeypatch.setattr(image_cmd, 'start', mock.Mock(return_value=server))
    monkeypatch.setattr(all_cmd.service, 'Service', mock.MagicMock())
    monkeypatch.setattr(all_cmd.service, 'WSGIService', mock.MagicMock())
    monkeypatch.setattr(all_cmd.rpc, 'IN_PROCESS_URL', 'fake://')
    server.calls = calls
    yield server
    CONF.clear_override('transport_url')
    CONF.clear_override('api_servers', group='glance')


def test_all_serves_images_itself(started, flags):
    flags(api_servers=[], group='glance')
    services = all_cmd.start_all()
    image_cmd.start.assert_called_once_with()
    assert services[0] is started
    assert CONF.glance.api_servers == ['http://127.0.0.1:40123']
    # The image database first: its first sync copies the images that
    # nova-lite's migration 0014 then drops.
    assert [c[0] for c in started.calls.mock_calls[:2]] == [
        'image_db_sync', 'db_sync']


def test_all_uses_the_operators_image_service(started, flags):
    flags(api_servers=['http://glance.example:9292'], group='glance')
    services = all_cmd.start_all()
    image_cmd.start.assert_not_called()
    assert started not in services
    started.calls.image_db_sync.assert_not_called()
    assert CONF.glance.api_servers == ['http://glance.example:9292']
