"""The Compute API as a WSGI application, for any WSGI server.

    uwsgi --http :8774 --module nova_lite.wsgi.compute:application
    gunicorn 'nova_lite.wsgi.compute:init_application()'

Config files come from ``NOVA_LITE_CONFIG_FILES`` (comma-separated), else
oslo.config's default search (``/etc/nova-lite/nova-lite.conf`` ...).
"""

import os

from nova_lite import config
from nova_lite import rpc

_APPLICATION = None


def init_application():
    global _APPLICATION
    if _APPLICATION is None:
        files = os.environ.get('NOVA_LITE_CONFIG_FILES')
        config.setup(argv=[], default_config_files=(
            files.split(',') if files else None))
        rpc.init()
        from nova_lite.api import app
        _APPLICATION = app.make_app()
    return _APPLICATION


def application(environ, start_response):
    return init_application()(environ, start_response)
