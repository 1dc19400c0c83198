"""Flavor: the size of a server, with extra specs and project access."""

from oslo_versionedobjects import fields

from nova_lite.db import flavor_api as db
from nova_lite import exception
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class Flavor(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'flavorid': fields.StringField(),
        'name': fields.StringField(),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(),
        'ephemeral_gb': fields.IntegerField(default=0),
        'swap': fields.IntegerField(default=0),
        'rxtx_factor': fields.FloatField(default=1.0),
        'vcpu_weight': fields.IntegerField(nullable=True),
        'disabled': fields.BooleanField(default=False),
        'is_public': fields.BooleanField(default=True),
        'description': fields.StringField(nullable=True),
        'extra_specs': fields.DictOfStringsField(default={}),
        'projects': fields.ListOfStringsField(default=[]),
    })

    COLUMNS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
               'ephemeral_gb', 'swap', 'rxtx_factor', 'vcpu_weight',
               'disabled', 'is_public', 'description')
    SKIP_COLUMNS = ('extra_specs', 'projects')

    @classmethod
    def _from_row(cls, context, row, obj=None):
        obj = super()._from_row(context, row, obj)
        obj.extra_specs = {spec.key: spec.value or ''
                           for spec in row.extra_specs}
        obj.projects = [access.project_id for access in row.projects]
        obj.obj_reset_changes()
        return obj

    @base.remotable_classmethod
    def get_by_flavor_id(cls, context, flavorid):
        return cls._from_row(context, db.flavor_get_by_flavor_id(flavorid))

    @base.remotable_classmethod
    def get_by_id(cls, context, flavor_pk):
        return cls._from_row(context, db.flavor_get(flavor_pk))

    @base.remotable_classmethod
    def get_by_name(cls, context, name):
        return cls._from_row(context, db.flavor_get_by_name(name))

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = {name: getattr(self, name) for name in self.COLUMNS
                  if self.obj_attr_is_set(name)}
        row = db.flavor_create(
            values,
            extra_specs=self.extra_specs if self.obj_attr_is_set(
                'extra_specs') else None,
            projects=self.projects if self.obj_attr_is_set(
                'projects') else None)
        self._from_row(self._context, row, self)

    @base.remotable
    def save(self):
        values = base.db_values(self, ('description', 'disabled'))
        if values:
            db.flavor_update(self.flavorid, values)
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        db.flavor_destroy(self.flavorid)

    def update_extra_specs(self, specs):
        """Add or change extra specs; returns all of them."""
        self.extra_specs = db.flavor_extra_specs_update(self.flavorid, specs)
        self.obj_reset_changes(['extra_specs'])
        return self.extra_specs

    def add_access(self, project_id):
        """Let ``project_id`` use this (private) flavor.

        :raises: FlavorNotFound, FlavorAccessExists
        """
        self.projects = db.flavor_access_add(self.flavorid, project_id)
        self.obj_reset_changes(['projects'])

    def remove_access(self, project_id):
        """Take this flavor away from ``project_id``.

        :raises: FlavorNotFound, FlavorAccessNotFound
        """
        self.projects = db.flavor_access_remove(self.flavorid, project_id)
        self.obj_reset_changes(['projects'])

    def delete_extra_spec(self, key):
        db.flavor_extra_specs_delete(self.flavorid, key)
        specs = dict(self.extra_specs)
        specs.pop(key, None)
        self.extra_specs = specs
        self.obj_reset_changes(['extra_specs'])


@base.NovaObjectRegistry.register
class FlavorList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Flavor')}

    @base.remotable_classmethod
    def get_all(cls, context, inactive=False, filters=None,
                sort_key='flavorid', sort_dir='asc', limit=None,
                marker=None):
        # NOTE: as in Nova, "public" lists also show the private flavors
        # the caller's project may use, an admin's project included.
        project_id = context.project_id
        rows = db.flavor_get_all(inactive=inactive, filters=filters,
                                 sort_key=sort_key, sort_dir=sort_dir,
                                 limit=limit, marker=marker,
                                 project_id=project_id)
        return cls._from_rows(context, Flavor, rows)


def is_visible(context, flavor):
    """Whether ``context`` may see and use ``flavor``: a public one, or a
    private one as an admin or a project on its access list.

    NOTE: the one visibility rule; the flavor API answers 404 and the
    compute API 400 (create, resize) when it fails.
    """
    return (flavor.is_public or context.is_admin or
            context.project_id in (flavor.projects or []))
