"""KeyPair: a user's SSH (or x509) public key, injected into servers."""

from oslo_versionedobjects import fields

from nova_lite.db import keypair_api as db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class KeyPair(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'name': fields.StringField(),
        'user_id': fields.StringField(),
        'fingerprint': fields.StringField(nullable=True),
        'public_key': fields.StringField(nullable=True),
        'type': fields.StringField(default='ssh'),
    })

    @base.remotable_classmethod
    def get_by_name(cls, context, user_id, name):
        return cls._from_row(context, db.key_pair_get(user_id, name))

    @base.remotable_classmethod
    def destroy_by_name(cls, context, user_id, name):
        db.key_pair_destroy(user_id, name)

    @base.remotable
    def create(self):
        row = db.key_pair_create({
            'name': self.name, 'user_id': self.user_id,
            'fingerprint': self.fingerprint, 'public_key': self.public_key,
            'type': self.type})
        self._from_row(self._context, row, self)


@base.NovaObjectRegistry.register
class KeyPairList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('KeyPair')}

    @base.remotable_classmethod
    def get_by_user(cls, context, user_id, limit=None, marker=None):
        rows = db.key_pair_get_all_by_user(user_id, limit=limit,
                                           marker=marker)
        return cls._from_rows(context, KeyPair, rows)

    @base.remotable_classmethod
    def get_count_by_user(cls, context, user_id):
        return db.key_pair_count_by_user(user_id)
