"""Privileged file operations on instance directories."""

import os

from nova_lite import conf
from nova_lite import privsep

CONF = conf.CONF


def _instance_file(path):
    root = os.path.join(os.path.abspath(CONF.state_path), 'instances')
    if (not isinstance(path, str) or not os.path.isabs(path)
            or os.path.normpath(path) != path
            or not path.startswith(root + os.sep)
            or os.path.islink(path)):
        raise ValueError('not a file of an instance directory under %s: %r'
                         % (root, path))
    return path


@privsep.file_pctxt.entrypoint
def chown(path, uid, gid):
    """Give ``path``, a file of an instance directory, to ``uid:gid``.

    NOTE: the service calls it for files a root daemon of libvirt made
    (virtlogd's console log), before it reads or hands them on.
    """
    for value in (uid, gid):
        if isinstance(value, bool) or not isinstance(value, int) \
                or value < 0:
            raise ValueError('not a user or group id: %r' % (value,))
    os.chown(_instance_file(path), uid, gid)
