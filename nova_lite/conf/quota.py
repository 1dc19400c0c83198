"""Options of the [quota] group: per-project limits."""

from oslo_config import cfg

quota_group = cfg.OptGroup('quota', title='Quota options',
                           help="""
Default per-project limits; an admin may set others for one project
through os-quota-sets. Usage is always counted from the records themselves,
never from stored counters. -1 means unlimited.
""")

quota_opts = [
    cfg.IntOpt('instances', default=10, min=-1,
               help='Servers a project may have.'),
    cfg.IntOpt('cores', default=20, min=-1,
               help='vCPUs a project may have across its servers.'),
    cfg.IntOpt('ram', default=50 * 1024, min=-1,
               help='Megabytes of RAM a project may have across its servers.'),
    cfg.IntOpt('metadata_items', default=128, min=-1,
               help='Metadata items a server may carry.'),
    cfg.IntOpt('key_pairs', default=100, min=-1,
               help='Key pairs a user may have.'),
    cfg.IntOpt('injected_files', default=5, min=-1,
               help='Files a server may be given at create (personality).'),
    cfg.IntOpt('injected_file_content_bytes', default=10 * 1024, min=-1,
               help='Bytes of content an injected file may have.'),
    cfg.IntOpt('injected_file_path_length', default=255, min=-1,
               help='Characters the path of an injected file may have.'),
    cfg.IntOpt('server_groups', default=10, min=-1,
               help='Server groups a project may have.'),
    cfg.IntOpt('server_group_members', default=10, min=-1,
               help='Servers a server group may hold.'),
    cfg.BoolOpt('recheck_quota', default=True,
                help="""
Count usage again after the records of a create are written, and undo the
create if concurrent requests took the project over quota meanwhile.
"""),
]


def register_opts(conf):
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return {quota_group: quota_opts}
