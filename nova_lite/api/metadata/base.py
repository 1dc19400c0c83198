"""The metadata tree a guest walks: a path to its content, in Nova's layout.

``/`` and ``/ec2`` list the EC2 versions and ``latest``; ``/openstack``
lists the OpenStack ones. A path under neither (``/latest/meta-data/``)
is in the EC2 tree, as in Nova. Paths are normalised first, so
``/latest/meta-data/`` and ``/latest/meta-data`` are one directory; a
directory's content is its listing, one entry a line, with ``/`` after
each subdirectory. The content itself comes from
``nova_lite.instance_metadata``, which the config drive uses too.
"""

import datetime
import posixpath

from nova_lite import instance_metadata as im

EC2 = 'ec2'
OPENSTACK = 'openstack'

# Content that is no file: the guest's password, read and written by
# ``password.handle_password``.
PASSWORD = object()


class InvalidMetadataPath(Exception):
    """No such path in either tree."""


def normalize(path):
    """``path`` as one absolute path without ``.``, ``..`` or a trailing
    ``/`` (``/`` stays ``/``)."""
    return posixpath.normpath('/' + (path or '').lstrip('/'))


def _tokens(path):
    path = normalize(path)
    return [] if path == '/' else path[1:].split('/')


def ec2_versions():
    """What ``/`` and ``/ec2`` list."""
    return im.EC2_VERSIONS + [im.LATEST]


def openstack_versions(today=None):
    """What ``/openstack`` lists: the versions up to ``today`` (UTC,
    ``YYYY-MM-DD``) and ``latest``.

    NOTE: as in Nova, a version dated in the future is served when asked
    for but not listed.
    """
    if today is None:
        today = datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%d')
    return [v for v in im.OPENSTACK_VERSIONS if v <= today] + [im.LATEST]


def is_password_path(path):
    """Whether ``path`` is a version's ``password``, the one path a
    guest may POST to."""
    tokens = _tokens(path)
    return (len(tokens) == 3 and tokens[0] == OPENSTACK and
            tokens[2] == im.PASS_NAME)


def lookup(metadata, path):
    """The content at ``path`` for the instance of ``metadata``.

    :param metadata: an ``instance_metadata.InstanceMetadata``.
    :returns: ``(content, MIME type)``; content is bytes, a string, a
        number, a list (one item a line), a dict (a directory, see
        :func:`format_content`) or :data:`PASSWORD`.
    :raises InvalidMetadataPath: no such path.
    """
    tokens = _tokens(path)
    if not tokens or tokens[0] not in (EC2, OPENSTACK):
        tokens = [EC2] + tokens
    if len(tokens) == 1:
        versions = (openstack_versions() if tokens[0] == OPENSTACK
                    else ec2_versions())
        return versions, im.MIME_TYPE_TEXT_PLAIN
    try:
        if tokens[0] == OPENSTACK:
            return _openstack_item(metadata, tokens[1], tokens[2:])
        return (_ec2_item(metadata, tokens[1], tokens[2:]),
                im.MIME_TYPE_TEXT_PLAIN)
    except (im.InvalidMetadataVersion, KeyError):
        raise InvalidMetadataPath(path)


def _openstack_item(metadata, version, names):
    if not names:
        return metadata.openstack_files(version), im.MIME_TYPE_TEXT_PLAIN
    name = '/'.join(names)
    if name == im.PASS_NAME:
        if name not in metadata.openstack_files(version):
            raise KeyError(name)
        return PASSWORD, im.MIME_TYPE_TEXT_PLAIN
    return metadata.openstack_file(version, name)


def _ec2_item(metadata, version, names):
    data = metadata.ec2_metadata(version)
    for name in names:
        if not isinstance(data, dict) or name == im.EC2_NAME_KEY:
            raise KeyError(name)
        data = data[name]
    return data


def format_content(data):
    """The body of ``data`` as the metadata API sends it (str or bytes).

    A directory (dict) lists its keys sorted, a subdirectory as
    ``name/`` or by the line it carries under ``EC2_NAME_KEY``; a list is
    one item a line; anything else is itself.
    """
    if isinstance(data, dict):
        lines = []
        for key in sorted(data):
            if key == im.EC2_NAME_KEY:
                continue
            value = data[key]
            if isinstance(value, dict):
                lines.append(str(value.get(im.EC2_NAME_KEY, key + '/')))
            else:
                lines.append(key)
        return '\n'.join(lines)
    if isinstance(data, list):
        return '\n'.join(str(item) for item in data)
    if isinstance(data, (bytes, str)):
        return data
    return str(data)
