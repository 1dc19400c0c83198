"""Migration: one move of an instance from a source host to a destination
(a resize, a cold or live migration, an evacuation), saved through the
database or, on a compute host, through the conductor.

Status walks (Nova's words; docs/migrations.md has them all): a resize
or cold migration goes pre-migrating (recorded by the API) -> migrating
(source powers off and hands the disk over) -> post-migrating
(destination sets the guest up) -> finished (VERIFY_RESIZE) -> confirming
-> confirmed, or reverting -> reverted; error when it cannot go on.
"""

from oslo_versionedobjects import fields

from nova_lite.db import migration_api as db
from nova_lite.objects import base

# Its migration_type.
RESIZE = 'resize'
COLD = 'migration'
LIVE = 'live-migration'
EVACUATION = 'evacuation'

# Statuses of a live migration that still runs: shown under
# /servers/{id}/migrations, and what a force-complete or abort acts on.
LIVE_IN_PROGRESS = ('queued', 'preparing', 'running', 'post-migrating')
# Statuses of an evacuation whose source host still has a guest to
# destroy when it comes back (an accepted one too: the source may return
# before the destination started); a failed one leaves the only good copy
# there.
EVACUATION_NOT_CLEANED = ('accepted', 'pre-migrating', 'done')

_COLUMNS = ('uuid', 'source_compute', 'dest_compute', 'source_node',
            'dest_node', 'dest_host', 'old_instance_type_id',
            'new_instance_type_id', 'instance_uuid', 'status',
            'migration_type', 'user_id', 'project_id', 'memory_total',
            'memory_processed', 'memory_remaining', 'disk_total',
            'disk_processed', 'disk_remaining')


@base.NovaObjectRegistry.register
class Migration(base.NovaObject, base.TimestampedObject):
    # Version 1.1: the progress of a live migration (memory_*, disk_*)
    VERSION = '1.1'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'source_compute': fields.StringField(nullable=True),
        'dest_compute': fields.StringField(nullable=True),
        'source_node': fields.StringField(nullable=True),
        'dest_node': fields.StringField(nullable=True),
        'dest_host': fields.StringField(nullable=True),
        'old_instance_type_id': fields.IntegerField(nullable=True),
        'new_instance_type_id': fields.IntegerField(nullable=True),
        'instance_uuid': fields.UUIDField(),
        'status': fields.StringField(),
        'migration_type': fields.StringField(default='resize'),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'memory_total': fields.IntegerField(nullable=True),
        'memory_processed': fields.IntegerField(nullable=True),
        'memory_remaining': fields.IntegerField(nullable=True),
        'disk_total': fields.IntegerField(nullable=True),
        'disk_processed': fields.IntegerField(nullable=True),
        'disk_remaining': fields.IntegerField(nullable=True),
    })

    @property
    def is_same_host(self):
        return self.source_compute == self.dest_compute

    @base.remotable_classmethod
    def get_by_id(cls, context, migration_id):
        return cls._from_row(context, db.migration_get(migration_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return cls._from_row(context, db.migration_get_by_uuid(uuid))

    @base.remotable_classmethod
    def get_by_instance_and_status(cls, context, instance_uuid, status):
        """:raises: MigrationNotFoundByStatus"""
        return cls._from_row(context, db.migration_get_by_instance_and_status(
            instance_uuid, status))

    @base.remotable
    def create(self):
        row = db.migration_create(base.db_values(self, _COLUMNS))
        self._from_row(self._context, row, self)

    @base.remotable
    def save(self):
        values = base.db_values(self, _COLUMNS)
        if values:
            row = db.migration_update(self.id, values)
            self._from_row(self._context, row, self)

    @base.remotable_classmethod
    def move_allocations(cls, context, from_consumer, to_consumer):
        """Hand the allocations of one consumer (an instance or a
        migration uuid) to the other; see ``db/migration_api.py``."""
        return db.allocation_move(from_consumer, to_consumer)


@base.NovaObjectRegistry.register
class MigrationList(base.ObjectListBase, base.NovaObject):
    # Version 1.1: get_in_progress_by_host
    VERSION = '1.1'

    fields = {'objects': fields.ListOfObjectsField('Migration')}

    @base.remotable_classmethod
    def get_unconfirmed_by_dest_compute(cls, context, confirm_window,
                                        dest_compute):
        rows = db.migration_get_unconfirmed_by_dest_compute(confirm_window,
                                                            dest_compute)
        return cls._from_rows(context, Migration, rows)

    @base.remotable_classmethod
    def get_by_filters(cls, context, filters, limit=None, marker=None):
        rows = db.migration_get_all(filters, limit=limit, marker=marker)
        return cls._from_rows(context, Migration, rows)

    @base.remotable_classmethod
    def get_in_progress_by_host(cls, context, host):
        """Migrations under way from or to ``host``."""
        return cls._from_rows(context, Migration,
                              db.migration_get_in_progress_by_host(host))
