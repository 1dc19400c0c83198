"""SQLAlchemy models of the image service's own database.

NOTE: a declarative base of their own, apart from nova-lite's
(``nova_lite.db.models``): the image service keeps its records in its own
database (``[image_service] database_connection``), so it can run on a
host of its own or give way to a real Glance with nothing left behind.
Glance's table and column names are kept.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from nova_lite import sql


class Base(orm.DeclarativeBase):
    pass


class Image(Base, sql.TimestampMixin):
    """An image record, with Glance's column names.

    Images are removed for good on delete, data file included.
    """
    __tablename__ = 'images'
    __table_args__ = (
        sa.Index('images_owner_idx', 'owner'),
        sa.Index('images_visibility_idx', 'visibility'),
        sa.Index('images_created_at_idx', 'created_at'),
        sa.Index('images_name_idx', 'name'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255))
    disk_format = sa.Column(sa.String(20))
    container_format = sa.Column(sa.String(20))
    size = sa.Column(sa.BigInteger)
    virtual_size = sa.Column(sa.BigInteger)
    status = sa.Column(sa.String(30), nullable=False)
    visibility = sa.Column(sa.String(20), nullable=False)
    checksum = sa.Column(sa.String(32))
    os_hash_algo = sa.Column(sa.String(64))
    os_hash_value = sa.Column(sa.String(128))
    min_disk = sa.Column(sa.Integer, nullable=False, default=0)
    min_ram = sa.Column(sa.Integer, nullable=False, default=0)
    owner = sa.Column(sa.String(255))
    protected = sa.Column(sa.Boolean, nullable=False, default=False)
    os_hidden = sa.Column(sa.Boolean, nullable=False, default=False)
    properties = orm.relationship(
        'ImageProperty', cascade='all, delete-orphan', lazy='selectin')
    tags = orm.relationship(
        'ImageTag', cascade='all, delete-orphan', lazy='selectin')


class ImageProperty(Base, sql.TimestampMixin):
    __tablename__ = 'image_properties'
    __table_args__ = (
        sa.UniqueConstraint('image_id', 'name',
                            name='uniq_image_properties0image_id0name'),
        sa.Index('image_properties_name_value_idx', 'name', 'value'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    image_id = sa.Column(sa.String(36),
                         sa.ForeignKey('images.id', ondelete='CASCADE'),
                         nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class ImageTag(Base, sql.TimestampMixin):
    __tablename__ = 'image_tags'
    __table_args__ = (
        sa.UniqueConstraint('image_id', 'value',
                            name='uniq_image_tags0image_id0value'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    image_id = sa.Column(sa.String(36),
                         sa.ForeignKey('images.id', ondelete='CASCADE'),
                         nullable=False)
    value = sa.Column(sa.String(255), nullable=False)
