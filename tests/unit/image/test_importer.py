"""Image imports (nova_lite.image.importer), nova-lite-manage's image
commands and the test guest build helper, against the real image service
app in-process (see ``glance_app``)."""

import argparse
import hashlib
import os
import subprocess
import types

import pytest

from nova_lite.cmd import manage
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.image import importer
from nova_lite.tools import test_guest

ADMIN = nova_context.RequestContext(user_id='admin', project_id='admin',
                                    auth_token='admin:admin',
                                    overwrite=False)


def _posts(opener):
    return [r for r in opener.requests
            if r[0] == 'POST' and r[1] == '/v2/images']


@pytest.fixture
def files(tmp_path):
    """Three small files standing in for the built test guest."""
    paths = {}
    for key, data in (('kernel', b'kernel' * 1000),
                      ('initramfs', b'initramfs' * 1000),
                      ('root_disk', b'root' * 1000)):
        path = tmp_path / key
        path.write_bytes(data)
        paths[key] = str(path)
    return paths


# ---- importer ---------------------------------------------------------------

def test_import_file_is_idempotent(glance_app, files):
    opener, _ = glance_app
    api = glance.API()
    image, uploaded = importer.import_file(
        api, ADMIN, files['kernel'], 'k', 'aki', 'aki', 'public',
        properties={'os_distro': 'debian'})
    assert uploaded
    assert (image['status'], image['disk_format'], image['visibility'],
            image['os_distro']) == ('active', 'aki', 'public', 'debian')
    with open(files['kernel'], 'rb') as f:
        assert image['os_hash_value'] == hashlib.sha512(f.read()).hexdigest()

    again, uploaded = importer.import_file(
        api, ADMIN, files['kernel'], 'k', 'aki', 'aki', 'public',
        properties={'os_distro': 'debian'})
    assert (again['id'], uploaded) == (image['id'], False)
    assert len(_posts(opener)) == 1


@pytest.mark.parametrize('changes', [
    {'properties': {'os_distro': 'ubuntu'}},
    {'disk_format': 'raw', 'container_format': 'bare'},
    {'min_ram': 128},
    {'name': 'other'},
    {'path': 'initramfs'},
])
def test_import_differing_image_uploads_anew(glance_app, files, changes):
    opener, _ = glance_app
    api = glance.API()
    args = dict(name='k', disk_format='aki', container_format='aki',
                visibility='public', properties={'os_distro': 'debian'})
    first, _ = importer.import_file(api, ADMIN, files['kernel'], **args)
    path = files[changes.pop('path', 'kernel')]
    args.update(changes)
    second, uploaded = importer.import_file(api, ADMIN, path, **args)
    assert uploaded and second['id'] != first['id']
    assert len(_posts(opener)) == 2


def test_hash_mismatch_deletes_the_image(glance_app, files, monkeypatch):
    _, client = glance_app
    api = glance.API()
    real_upload = api.upload

    def corrupting_upload(context, image_id, path):
        return dict(real_upload(context, image_id, path),
                    os_hash_value='0' * 128)
    monkeypatch.setattr(api, 'upload', corrupting_upload)
    with pytest.raises(exception.ImageImportFailed):
        importer.import_file(api, ADMIN, files['kernel'], 'k', 'aki', 'aki')
    assert client.get('/v2/images', token='admin:admin').json['images'] == []


def test_import_test_guest(glance_app, files):
    opener, client = glance_app
    api = glance.API()
    images = importer.import_test_guest(api, ADMIN, files, 'guest')
    kernel, ramdisk, image = (images['kernel'], images['ramdisk'],
                              images['image'])
    assert (kernel['name'], kernel['disk_format'],
            kernel['container_format']) == ('guest-kernel', 'aki', 'aki')
    assert (ramdisk['name'], ramdisk['disk_format'],
            ramdisk['container_format']) == ('guest-ramdisk', 'ari', 'ari')
    assert (image['name'], image['disk_format'], image['kernel_id'],
            image['ramdisk_id']) == ('guest', 'qcow2', kernel['id'],
                                     ramdisk['id'])
    assert 'console=ttyS0' in image['os_command_line']
    # public: any project can boot it
    for body in images.values():
        assert body['visibility'] == 'public'
        assert client.get('/v2/images/%s' % body['id'],
                          token='demo:p9').status_int == 200
    again = importer.import_test_guest(api, ADMIN, files, 'guest')
    assert {k: v['id'] for k, v in again.items()} == \
        {k: v['id'] for k, v in images.items()}
    assert len(_posts(opener)) == 3


# ---- nova-lite-manage image ... ---------------------------------------------

def _manage(monkeypatch, *argv):
    """Run a nova-lite-manage command as the CLI parses it."""
    parser = argparse.ArgumentParser()
    manage._add_parsers(parser.add_subparsers(dest='name'))
    args = parser.parse_args(argv)
    monkeypatch.setattr(manage, 'CONF', types.SimpleNamespace(category=args))
    return manage.COMMANDS[(args.name, args.action)]()


def test_manage_image_import_prints_the_id(glance_app, files, monkeypatch,
                                           capsys):
    argv = ('image', 'import', files['root_disk'], '--name', 'disk',
            '--disk-format', 'qcow2', '--property', 'hw_disk_bus=virtio',
            '--property', 'note=a=b', '--min-ram', '64', '--public')
    assert _manage(monkeypatch, *argv) == 0
    image_id = capsys.readouterr().out.splitlines()[-1]
    image = glance.API().get(ADMIN, image_id)
    assert (image['name'], image['container_format'], image['min_ram'],
            image['hw_disk_bus'], image['note'], image['visibility']) == (
        'disk', 'bare', 64, 'virtio', 'a=b', 'public')
    assert _manage(monkeypatch, *argv) == 0
    assert capsys.readouterr().out.splitlines()[-1] == image_id

    assert _manage(monkeypatch, 'image', 'list') == 0
    assert capsys.readouterr().out.split() == [image_id, 'active', 'disk']


def test_manage_image_import_errors(glance_app, files, monkeypatch, capsys):
    assert _manage(monkeypatch, 'image', 'import', files['kernel'], '--name',
                   'k', '--disk-format', 'aki', '--property', 'novalue') == 2
    assert '--property takes KEY=VALUE' in capsys.readouterr().err
    assert _manage(monkeypatch, 'image', 'import', '/nonexistent', '--name',
                   'k', '--disk-format', 'raw') == 1
    assert 'No such file' in capsys.readouterr().err
    # a member may not publish an image
    monkeypatch.setenv('OS_AUTH_TOKEN', 'demo:p1')
    assert _manage(monkeypatch, 'image', 'import', files['kernel'], '--name',
                   'k', '--disk-format', 'aki', '--public') == 1
    err = capsys.readouterr().err
    assert 'answered POST' in err and '403' in err
    assert 'OS_AUTH_TOKEN' in err
    # ... but may import a private one, under its own token
    monkeypatch.setenv('OS_AUTH_TOKEN', 'demo:p1')
    assert _manage(monkeypatch, 'image', 'import', files['kernel'], '--name',
                   'k', '--disk-format', 'aki') == 0
    image_id = capsys.readouterr().out.strip()
    assert glance.API().get(ADMIN, image_id)['owner'] == 'p1'


def test_manage_import_test_guest(glance_app, files, monkeypatch, capsys):
    built = []

    def build(out_dir=None, force=False):
        built.append((out_dir, force))
        return files
    monkeypatch.setattr(test_guest, 'build', build)
    assert _manage(monkeypatch, 'image', 'import-test-guest', '--dir',
                   '/some/dir') == 0
    out, err = capsys.readouterr()
    image_id = out.splitlines()[-1]
    image = glance.API().get(ADMIN, image_id)
    assert image['name'] == 'nova-lite-test-guest'
    assert glance.API().get(ADMIN, image['kernel_id'])['name'] == \
        'nova-lite-test-guest-kernel'
    assert 'ramdisk' in err
    assert _manage(monkeypatch, 'image', 'import-test-guest', '--rebuild',
                   '--name', 'nova-lite-test-guest') == 0
    assert capsys.readouterr().out.splitlines()[-1] == image_id
    assert built == [('/some/dir', False), (None, True)]


def test_manage_import_test_guest_build_failure(glance_app, monkeypatch,
                                                capsys):
    def build(out_dir=None, force=False):
        raise test_guest.BuildError('no apt here')
    monkeypatch.setattr(test_guest, 'build', build)
    assert _manage(monkeypatch, 'image', 'import-test-guest') == 1
    assert 'no apt here' in capsys.readouterr().err


# ---- nova_lite.tools.test_guest ---------------------------------------------

FAKE_BUILD = '''#!/bin/bash
[ "$1" = --force ] && { echo forced >&2; shift; }
mkdir -p "$1"
[ -n "$FAIL" ] && exit 3
echo k >"$1/vmlinuz"; echo i >"$1/initramfs.img"
echo "build-test-guest: done" >&2
echo "kernel=$1/vmlinuz"
echo "initramfs=$1/initramfs.img"
'''


def test_build_runs_the_script_and_adds_a_root_disk(tmp_path, monkeypatch,
                                                    capfd):
    script = tmp_path / 'build.sh'
    script.write_text(FAKE_BUILD)
    monkeypatch.setattr(test_guest, 'BUILD_SCRIPT', str(script))
    out = tmp_path / 'out'
    paths = test_guest.build(str(out), force=True)
    assert paths['kernel'] == str(out / 'vmlinuz')
    assert paths['initramfs'] == str(out / 'initramfs.img')
    assert paths['root_disk'] == str(out / 'root.qcow2')
    info = subprocess.run(['qemu-img', 'info', paths['root_disk']],
                          stdout=subprocess.PIPE, text=True, check=True)
    assert 'file format: qcow2' in info.stdout
    assert 'forced' in capfd.readouterr().err

    monkeypatch.setenv('FAIL', '1')
    with pytest.raises(test_guest.BuildError):
        test_guest.build(str(out))


def test_default_dir(monkeypatch):
    monkeypatch.setenv('NOVA_LITE_TEST_GUEST_DIR', '/x/guest')
    assert test_guest.default_dir() == '/x/guest'
    monkeypatch.delenv('NOVA_LITE_TEST_GUEST_DIR')
    assert test_guest.default_dir() == os.path.join(
        os.path.expanduser('~'), '.nova-lite', 'test-guest')


def test_the_script_and_guest_files_ship_in_the_package():
    assert os.path.isfile(test_guest.BUILD_SCRIPT)
    guest_dir = os.path.join(test_guest.HERE, 'guest')
    assert sorted(os.listdir(guest_dir)) == [
        'acpi-power', 'init', 'jsonflat.awk', 'udhcpc.script']
