"""Selection: one host the scheduler picked, with its claim already made."""

from oslo_versionedobjects import fields

from nova_lite.objects import base


@base.NovaObjectRegistry.register
class Selection(base.NovaObject):
    VERSION = '1.0'

    fields = {
        'service_host': fields.StringField(),
        'nodename': fields.StringField(),
        'compute_node_uuid': fields.UUIDField(),
        'compute_node_id': fields.IntegerField(),
        # NOTE: what was (or, for an alternate, would be) claimed; the
        # conductor claims it again before using an alternate.
        'resources': fields.DictOfIntegersField(default={}),
        'availability_zone': fields.StringField(nullable=True),
    }
