"""Options of the [image_service] group: the nova-lite-image service.

Glance keeps these options in its own [DEFAULT]; nova-lite shares one
configuration namespace between its services, so they live in a group of
their own but keep Glance's names (``bind_host``, ``bind_port``,
``image_size_cap``, ``limit_param_default``, ``api_limit_max``).
"""

from oslo_config import cfg

image_service_group = cfg.OptGroup(
    'image_service', title='Image service options',
    help='Options of nova-lite-image, the Glance v2 subset of nova-lite.')

image_service_opts = [
    cfg.HostAddressOpt('bind_host',
                       default='0.0.0.0',
                       help="""
Address on which the image service listens. nova-lite-all, which runs the
image service too, defaults it to 127.0.0.1, as the compute API.
"""),
    cfg.PortOpt('bind_port',
                default=9292,
                help="""
Port on which the image service listens; 9292 is Glance's.

Related options:

* ``[glance] api_servers``: what the compute services use to reach it;
  nova-lite-all and nova-lite-manage's image commands, left without it,
  use ``http://bind_host:bind_port`` (a wildcard address as loopback).
"""),
    cfg.StrOpt('database_connection',
               secret=True,
               help="""
SQLAlchemy URL of the image service's own database (Glance's ``[database]
connection``): its image records, apart from nova-lite's database.
Unset means a sqlite file beside nova-lite's own,
``$state_path/nova-lite-image.sqlite`` (the embedded default of
nova-lite-all). ``nova-lite-manage image_db sync`` creates its schema;
nova-lite-all does at start.

Possible values:

* ``sqlite:////path/to/nova-lite-image.sqlite``
* ``mysql+pymysql://user:password@host/nova_lite_image``
* ``postgresql+psycopg2://user:password@host/nova_lite_image``

Related options:

* ``[database] connection``: nova-lite's database, which must be another
  one. Its pool options (``max_pool_size``, ...) apply to this one too.
"""),
    cfg.StrOpt('store_path',
               default='$state_path/images',
               help="""
Directory holding the image data, one file per image named by its id.
"""),
    cfg.IntOpt('image_size_cap',
               default=1099511627776, min=1,
               help="""
Largest image, in bytes, that can be uploaded. An upload that grows past
it is answered 413 and the image stays ``queued``. Default: 1 TiB, as in
Glance.
"""),
    cfg.IntOpt('limit_param_default',
               default=25, min=1,
               help="""
Number of images a list call returns when the request names no ``limit``.

Related options:

* ``api_limit_max``: the ceiling of any ``limit``.
"""),
    cfg.IntOpt('api_limit_max',
               default=1000, min=1,
               help='Largest number of images one list call returns.'),
    cfg.StrOpt('auth_strategy',
               choices=[('noauth', 'Trust ``X-Auth-Token: user:project``; '
                         'user ``admin`` is an administrator. For labs and '
                         'tests only.'),
                        ('noauth2', "Nova's name for ``noauth``."),
                        ('keystone', 'Validate tokens with Keystone '
                         '(options in ``[keystone_authtoken]``).')],
               help="""
How requests to the image service are authenticated. Unset, the image
service follows ``[api] auth_strategy``, so one configuration file keeps
the Compute API and the image service in the same mode. (Glance's own
option for this is ``[paste_deploy] flavor``.)

Related options:

* ``[api] auth_strategy``: the default.
* ``[keystone_authtoken]``: how tokens are validated in keystone mode.
"""),
]


def register_opts(conf):
    conf.register_group(image_service_group)
    conf.register_opts(image_service_opts, group=image_service_group)


def list_opts():
    return {image_service_group: image_service_opts}
