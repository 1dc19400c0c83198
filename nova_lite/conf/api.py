"""Options of the [api] group: the Compute API's behaviour."""

from oslo_config import cfg

api_group = cfg.OptGroup('api', title='API options',
                         help='Options of the Compute API service.')

api_opts = [
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'Trust ``X-Auth-Token: user:project``; '
                         'user ``admin`` is an administrator. For labs and '
                         'tests only.'),
                        ('noauth2', "Nova's name for ``noauth``."),
                        ('keystone', 'Validate tokens with Keystone '
                         "through keystonemiddleware's auth_token "
                         '(options in ``[keystone_authtoken]``).')],
               deprecated_opts=[cfg.DeprecatedOpt('auth_strategy',
                                                  group='DEFAULT')],
               help="""
How API requests are authenticated. Both strategies give a user the roles
policy expects: ``reader``, ``member`` and ``admin`` (noauth gives every
user ``member`` and ``reader``, and the user ``admin`` also ``admin``).

Related options:

* ``[keystone_authtoken]``: Keystone's URL and the service credentials
  that validate tokens in keystone mode.
* ``[image_service] auth_strategy``: the image service follows this
  option unless that one is set.
"""),
    cfg.IntOpt('max_limit',
               default=1000, min=1,
               help="""
Largest number of items a list call returns in one page, whatever
``limit`` the request asks for.
"""),
    cfg.StrOpt('compute_link_prefix',
               help="""
Replaces scheme, host and port in the links the API returns; useful behind
a proxy.
"""),
    cfg.StrOpt('response_validation',
               default='ignore',
               choices=[('error', 'A response that does not match its '
                         'schema is answered with 500.'),
                        ('warn', 'A mismatch is logged; the response goes '
                         'out unchanged.'),
                        ('ignore', 'Responses are not checked.')],
               help="""
Whether responses are checked against the API's response schemas. The
tests run with ``error``, so every schema is held to what the API really
answers. Deployments keep ``ignore``: checking costs about half the time
of a 1,000-server detail list (Nova's default is ``warn``).
"""),
    cfg.StrOpt('dhcp_domain',
               default='novalocal',
               help="""
Domain appended to an instance's hostname in what the guest learns about
itself: ``hostname`` in ``meta_data.json`` (config drive and metadata
API) and the EC2 ``hostname``, ``local-hostname`` and
``public-hostname``.

Possible values:

* A domain name; the default is Nova's.
* The empty string: the hostname is given as it is.
"""),
    cfg.IntOpt('max_request_body_size',
               default=114688, min=1,
               help="""
Largest request body the Compute API accepts, in bytes; a larger one is
answered 413 (``overLimit``) before any of it is read. Nova's
``[oslo_middleware] max_request_body_size``, with its default (112 KiB),
which holds the largest server create (user data is limited to 64 KiB).
"""),
    cfg.BoolOpt('enable_instance_password',
                default=True,
                help='Whether server create returns ``adminPass``.'),
]


def register_opts(conf):
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return {api_group: api_opts}
