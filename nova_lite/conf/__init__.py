"""Every configuration option of nova-lite, registered on one global CONF."""

from oslo_config import cfg

from nova_lite.conf import api
from nova_lite.conf import compute
from nova_lite.conf import conductor
from nova_lite.conf import database
from nova_lite.conf import default
from nova_lite.conf import fake_driver
from nova_lite.conf import filter_scheduler
from nova_lite.conf import glance
from nova_lite.conf import image_service
from nova_lite.conf import libvirt
from nova_lite.conf import metadata
from nova_lite.conf import network
from nova_lite.conf import quota
from nova_lite.conf import scheduler
from nova_lite.conf import upgrade_levels
from nova_lite.conf import wsgi

CONF = cfg.CONF

_MODULES = (default, api, compute, conductor, database, fake_driver,
            filter_scheduler, glance, image_service, libvirt, metadata,
            network, quota, scheduler, upgrade_levels, wsgi)

for _module in _MODULES:
    _module.register_opts(CONF)
