"""Options of the [glance] group: where images come from."""

from oslo_config import cfg

glance_group = cfg.OptGroup('glance', title='Image service options')

glance_opts = [
    cfg.ListOpt('api_servers',
                default=[],
                help="""
Endpoints of Glance v2 image services, tried in turn. Empty means the
static image list in ``static_images`` stands in for an image service.
"""),
    cfg.ListOpt('static_images',
                default=['70a599e0-31e7-49b7-b260-868f441e862b:'
                         'cirros-0.6.2-x86_64-disk'],
                help="""
Images known when no image service is configured, as ``<uuid>:<name>``
entries. Each is active, public, qcow2/bare, with no disk or RAM minimum.
"""),
]


def register_opts(conf):
    conf.register_group(glance_group)
    conf.register_opts(glance_opts, group=glance_group)


def list_opts():
    return {glance_group: glance_opts}
