"""Options of the [metadata] group: how guests' metadata requests reach
nova-lite-metadata and how it knows they are genuine.

Nova keeps the shared secret in ``[neutron]`` and Neutron's metadata
agent keeps the secret and the ``nova_metadata_*`` options in its own
file; nova-lite has one configuration namespace for every service, so
both ends of the proxy read them here, under their Nova and Neutron
names. Where nova-lite-metadata itself listens is ``[DEFAULT]
metadata_listen``/``metadata_listen_port``, as in Nova.
"""

from oslo_config import cfg

metadata_group = cfg.OptGroup(
    'metadata', title='Metadata service options',
    help="""
Options shared by nova-lite-metadata (Nova's metadata API) and the
metadata proxy that forwards guests' requests to it from each network.
""")

metadata_opts = [
    cfg.StrOpt('metadata_proxy_shared_secret',
               default='',
               secret=True,
               help="""
Secret the metadata proxy and nova-lite-metadata share. The proxy signs
the instance id of each request it forwards (``X-Instance-ID-Signature``,
HMAC-SHA256 of ``X-Instance-ID`` keyed with this secret, in hex); the
metadata API answers 403 to a request whose signature does not match.

Possible values:

* Any string; set the same value on the controller and on every host
  that runs a metadata proxy.
* The empty string (the default): requests are still signed and
  checked, with the empty key, as Nova does; anyone who can reach the
  metadata API can then forge them. nova-lite-metadata warns about it
  at start-up.

Related options:

* ``nova_metadata_host``, ``nova_metadata_port``: where the proxy sends
  the signed requests.
"""),
    cfg.HostAddressOpt('nova_metadata_host',
                       default='127.0.0.1',
                       help="""
Address at which the metadata proxy reaches nova-lite-metadata (Neutron's
name for it).

Related options:

* ``[DEFAULT] metadata_listen``: where nova-lite-metadata listens.
* ``nova_metadata_port``.
"""),
    cfg.PortOpt('nova_metadata_port',
                default=8775,
                help="""
Port at which the metadata proxy reaches nova-lite-metadata (Neutron's
name for it).

Related options:

* ``[DEFAULT] metadata_listen_port``: where nova-lite-metadata listens.
* ``nova_metadata_host``.
"""),
]


def register_opts(conf):
    conf.register_group(metadata_group)
    conf.register_opts(metadata_opts, group=metadata_group)


def list_opts():
    return {metadata_group: metadata_opts}
