"""ImageMeta: what the scheduler and drivers need to know of an image."""

from oslo_versionedobjects import fields

from nova_lite.objects import base


@base.NovaObjectRegistry.register
class ImageMeta(base.NovaObject):
    VERSION = '1.0'

    fields = {
        'id': fields.StringField(nullable=True),
        'name': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'checksum': fields.StringField(nullable=True),
        'disk_format': fields.StringField(nullable=True),
        'container_format': fields.StringField(nullable=True),
        'size': fields.IntegerField(nullable=True),
        'min_ram': fields.IntegerField(default=0),
        'min_disk': fields.IntegerField(default=0),
        'properties': fields.DictOfNullableStringsField(default={}),
    }

    @classmethod
    def from_dict(cls, image):
        """Build from a Glance v2 image body (extra keys are properties)."""
        known = set(cls.fields) - {'properties'}
        meta = cls(properties={})
        properties = {}
        for key, value in image.items():
            if key in known:
                setattr(meta, key, value)
            elif key not in ('properties', 'tags', 'locations', 'file',
                             'schema', 'self', 'direct_url'):
                properties[key] = None if value is None else str(value)
        extra = image.get('properties') or {}
        properties.update({k: None if v is None else str(v)
                           for k, v in extra.items()})
        meta.properties = properties
        for key in ('min_ram', 'min_disk'):
            if not meta.obj_attr_is_set(key) or getattr(meta, key) is None:
                setattr(meta, key, 0)
        return meta
