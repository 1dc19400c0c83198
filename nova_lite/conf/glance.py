"""Options of the [glance] group: where images come from."""

from oslo_config import cfg

glance_group = cfg.OptGroup('glance', title='Image service options')

glance_opts = [
    cfg.ListOpt('api_servers',
                default=[],
                help="""
Endpoints of Glance v2 image services (``http://host:9292``), tried in
turn. The compute API resolves ``imageRef`` there and compute hosts
download image data from there, with the caller's token.

nova-lite-all, left without it, points it at the image service it runs
itself (``[image_service] bind_host``/``bind_port``). Every other service
that handles images (nova-lite-api, nova-lite-compute, nova-lite-manage's
``image`` commands) needs it set.

Related options:

* ``[image_service] bind_host``, ``bind_port``: where nova-lite-image
  listens.
"""),
]


def register_opts(conf):
    conf.register_group(glance_group)
    conf.register_opts(glance_opts, group=glance_group)


def list_opts():
    return {glance_group: glance_opts}
