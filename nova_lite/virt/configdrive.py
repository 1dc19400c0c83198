"""Config drive: an ISO 9660 image with an instance's metadata, any driver.

The layout is Nova's ``openstack/`` tree, in its ``latest`` version only:
``meta_data.json``, ``user_data`` (when the instance has any),
``vendor_data.json``, ``network_data.json`` and ``vendor_data2.json``,
built by ``nova_lite.instance_metadata`` exactly as the metadata API
serves them. Nova also writes dated copies (``2012-08-10/`` ...) and an
``ec2/`` tree for old guests; cloud-init and the test guest read
``latest``, so nova-lite writes only that.
"""

import os
import shutil
import tempfile

from oslo_log import log as logging

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite import instance_metadata
from nova_lite import utils

LOG = logging.getLogger(__name__)

LABEL = 'config-2'
VERSION = instance_metadata.LATEST
GENISOIMAGE_TIMEOUT = 120

# NOTE: built with the metadata API's other files; the name stays here for
# the callers that know network_data.json as the config drive's.
network_data = instance_metadata.network_data


def required_by(instance):
    """:returns: True when ``instance`` gets a config drive.

    ``instance.config_drive`` is a string in Nova (``'True'`` or ``''``),
    ``[DEFAULT] force_config_drive`` gives every instance one.
    """
    value = instance_metadata.get_field(instance, 'config_drive')
    if isinstance(value, str):
        value = value.strip().lower() not in ('', 'false', '0', 'no')
    return bool(value) or CONF.force_config_drive


def files(instance, network_info=None):
    """:returns: ``{path in the drive: bytes}`` for ``instance``.

    Every file the metadata API lists under ``openstack/latest/`` but the
    guest's ``password``, which only the metadata API keeps (as in Nova).

    :raises InvalidInput: the instance's user data is not base64.
    """
    metadata = instance_metadata.InstanceMetadata(instance, network_info)
    prefix = 'openstack/%s/' % VERSION
    return {prefix + name: metadata.openstack_file(VERSION, name)[0]
            for name in metadata.openstack_files(VERSION)
            if name != instance_metadata.PASS_NAME}


def _genisoimage():
    tool = shutil.which('genisoimage') or shutil.which('mkisofs')
    if tool is None:
        raise exception.InternalError(
            err='genisoimage is not installed; a config drive needs it')
    return tool


def make_drive(path, contents):
    """Write an ISO 9660 image labelled ``config-2`` to ``path``.

    Rock Ridge and Joliet names keep the file names as written.

    :param contents: ``{path in the drive: bytes}``, e.g. from
        :func:`files`.
    :raises InternalError: genisoimage is missing or failed.
    """
    with tempfile.TemporaryDirectory(prefix='configdrive.') as root:
        for name, data in contents.items():
            target = os.path.join(root, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'wb') as f:
                f.write(data)
        cmd = [_genisoimage(), '-o', path, '-ldots', '-allow-lowercase',
               '-allow-multidot', '-l', '-publisher', 'nova-lite',
               '-quiet', '-J', '-r', '-V', LABEL, root]
        utils.execute(cmd, GENISOIMAGE_TIMEOUT)


def build(path, instance, network_info=None):
    """Write the config drive of ``instance`` to ``path``.

    After return ``path`` is a complete ISO image.
    """
    make_drive(path, files(instance, network_info))
    LOG.debug('Wrote config drive of %s to %s', instance.uuid, path)
