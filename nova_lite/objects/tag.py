"""Tag: a label on a server (microversion 2.26), as Nova's Tag/TagList."""

from oslo_versionedobjects import fields

from nova_lite.db import instance_api as db
from nova_lite.objects import base

# NOTE: Nova's per-server limit (nova.objects.instance.MAX_TAG_COUNT).
MAX_TAG_COUNT = 50


@base.NovaObjectRegistry.register
class Tag(base.NovaObject):
    VERSION = '1.0'

    fields = {
        'resource_id': fields.StringField(),
        'tag': fields.StringField(),
    }

    @base.remotable
    def create(self):
        """Tag the server (a tag it already has is kept once).

        :raises: InstanceNotFound
        """
        db.instance_tag_add(self.resource_id, self.tag)

    @base.remotable_classmethod
    def destroy(cls, context, resource_id, name):
        """:raises: InstanceNotFound, InstanceTagNotFound"""
        db.instance_tag_delete(resource_id, name)

    @base.remotable_classmethod
    def exists(cls, context, resource_id, name):
        """:raises: InstanceNotFound"""
        return db.instance_tag_exists(resource_id, name)


@base.NovaObjectRegistry.register
class TagList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Tag')}

    @classmethod
    def _of(cls, context, resource_id, names):
        result = cls(context, objects=[
            Tag(context, resource_id=resource_id, tag=name)
            for name in names])
        result.obj_reset_changes()
        return result

    @base.remotable_classmethod
    def get_by_resource_id(cls, context, resource_id):
        """:raises: InstanceNotFound"""
        return cls._of(context, resource_id,
                       db.instance_tag_get_by_instance_uuid(resource_id))

    @base.remotable_classmethod
    def create(cls, context, resource_id, tags):
        """Replace the server's tags by ``tags``.

        :raises: InstanceNotFound
        """
        return cls._of(context, resource_id,
                       db.instance_tag_set(resource_id, tags))

    @base.remotable_classmethod
    def destroy(cls, context, resource_id):
        """:raises: InstanceNotFound"""
        db.instance_tag_delete_all(resource_id)
