"""nova-lite-manage as an operator meets it: the real command, in a
process of its own, on a sqlite database in a temporary directory."""

import os
import subprocess
import sys

import pytest


def _manage(tmp_path, *args):
    conf = tmp_path / 'nova-lite.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n' % tmp_path)
    env = dict(os.environ)
    env.pop('NOVA_LITE_NO_MONKEY_PATCH', None)
    return subprocess.run(
        [sys.executable, '-c', 'import sys; from nova_lite.cmd.manage '
         'import main; sys.exit(main())', '--config-file', str(conf)]
        + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env, timeout=120)


@pytest.mark.parametrize('args', [('service', 'list'), ('bootstrap',),
                                  ('network', 'list')])
def test_a_database_never_synced_is_named_not_a_traceback(tmp_path, args):
    result = _manage(tmp_path, *args)
    assert result.returncode == 1
    assert 'run "nova-lite-manage db sync" first' in result.stderr
    assert 'Traceback' not in result.stderr + result.stdout


def test_after_db_sync_the_command_runs(tmp_path):
    assert _manage(tmp_path, 'db', 'sync').returncode == 0
    result = _manage(tmp_path, 'service', 'list')
    assert result.returncode == 0, result.stderr
    assert any(line.split()[:2] == ['Id', 'Binary']
               for line in result.stdout.splitlines())


def test_no_warning_of_a_dependency_before_the_output(tmp_path):
    result = _manage(tmp_path, 'privsep', 'sudoers', '--user', 'nova-lite')
    assert result.returncode == 0
    assert 'Warning' not in result.stderr
    assert result.stdout.startswith('# nova-lite: nova-lite starts')


def test_image_db_sync_makes_the_image_database_alone(tmp_path):
    """The image service's own database, beside nova-lite's (unset
    [image_service] database_connection); nova-lite's is not made."""
    result = _manage(tmp_path, 'image_db', 'sync')
    assert result.returncode == 0, result.stderr
    assert 'Image database is at revision image_0001' in result.stdout
    assert (tmp_path / 'nova-lite-image.sqlite').exists()
    assert not (tmp_path / 'nova-lite.sqlite').exists()
    result = _manage(tmp_path, 'image_db', 'version')
    assert result.stdout.splitlines()[-1] == 'image_0001'
