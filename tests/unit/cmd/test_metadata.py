"""nova-lite-metadata: where it listens, and that nova-lite-all runs it."""

from unittest import mock

import oslo_messaging.opts as messaging_opts
import pytest
import webob

from nova_lite.cmd import all as all_cmd
from nova_lite.cmd import image as image_cmd
from nova_lite.cmd import metadata as metadata_cmd
from nova_lite import conf
from nova_lite import service

CONF = conf.CONF


@pytest.fixture
def wsgi_server(monkeypatch):
    server = mock.MagicMock(host='127.0.0.1', port=18775)
    factory = mock.Mock(return_value=server)
    monkeypatch.setattr(service.utils, 'WSGIServer', factory)
    monkeypatch.setitem(service.WSGI_APPS, 'metadata',
                        (mock.Mock(return_value='the app'), 'Metadata API'))
    return factory


def test_metadata_listens_on_its_options(wsgi_server, flags):
    flags(metadata_listen='192.0.2.7', metadata_listen_port=18775)
    started = metadata_cmd.start()
    wsgi_server.assert_called_once_with('metadata', 'the app', '192.0.2.7',
                                        18775, refusal=None)
    wsgi_server.return_value.start.assert_called_once_with()
    assert started.name == 'metadata'


def test_metadata_listen_defaults_are_novas():
    assert (CONF.metadata_listen, CONF.metadata_listen_port) == ('0.0.0.0',
                                                                 8775)
    assert (CONF.metadata.nova_metadata_host,
            CONF.metadata.nova_metadata_port) == ('127.0.0.1', 8775)
    assert CONF.metadata.metadata_proxy_shared_secret == ''


def test_the_compute_api_keeps_its_options(wsgi_server, flags, monkeypatch):
    monkeypatch.setitem(service.WSGI_APPS, 'osapi_compute',
                        (mock.Mock(return_value='compute'), 'Compute API'))
    flags(osapi_compute_listen='127.0.0.1', osapi_compute_listen_port=18774)
    service.WSGIService()
    wsgi_server.assert_called_once_with(
        'osapi_compute', 'compute', '127.0.0.1', 18774,
        refusal=service.WSGI_REFUSALS['osapi_compute'])
    # NOTE: what the server refuses itself is worded as a Nova fault.
    refused = webob.Request.blank('/').get_response(
        service.WSGI_REFUSALS['osapi_compute'](400, 'Header too long.'))
    assert refused.json == {'badRequest': {'code': 400,
                                           'message': 'Header too long.'}}


def test_all_in_one_starts_the_metadata_api(monkeypatch, flags):
    # NOTE: transport_url, as nova_lite.config.setup registers it.
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts(opts)
    monkeypatch.setattr(all_cmd.manage, 'db_sync', mock.Mock())
    monkeypatch.setattr(all_cmd.manage, 'bootstrap', mock.Mock())
    monkeypatch.setattr(image_cmd, 'start', mock.Mock())
    monkeypatch.setattr(all_cmd.service, 'Service', mock.MagicMock())
    wsgi = mock.MagicMock()
    monkeypatch.setattr(all_cmd.service, 'WSGIService', wsgi)
    monkeypatch.setattr(all_cmd.rpc, 'IN_PROCESS_URL', 'fake://')
    flags(api_servers=['http://glance.example:9292'], group='glance')
    try:
        services = all_cmd.start_all()
    finally:
        CONF.clear_override('transport_url')
    assert mock.call(name='metadata') in wsgi.call_args_list
    assert wsgi.return_value.start.return_value in services
