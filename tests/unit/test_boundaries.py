"""The import rules of STYLE.md, checked by walking every module's imports."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2] / 'nova_lite'


def _modules():
    for path in sorted(ROOT.rglob('*.py')):
        if 'migrations' in path.parts:
            continue
        name = '.'.join(path.relative_to(ROOT.parent).with_suffix('').parts)
        if name.endswith('.__init__'):
            name = name[:-len('.__init__')]
        yield name, path


def _imports(path):
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = ['%s.%s' % (node.module, alias.name)
                     for alias in node.names]
            found.update(names)
            # NOTE: "from package import module" imports the package's
            # __init__ too, but is the module's import as far as the rules
            # go: objects/network_info may be imported where objects may
            # not.
            if not all(_is_module(name) for name in names):
                found.add(node.module)
        elif (isinstance(node, ast.Call) and
              getattr(node.func, 'id', None) == '__import__' and
              node.args and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
    return found


def _is_module(dotted):
    path = ROOT.parent.joinpath(*dotted.split('.'))
    return path.with_suffix('.py').is_file() or path.is_dir()


MODULES = dict(_modules())


def _violations(rule):
    source_ok, forbidden, exempt = rule[:3]
    allowed = rule[3] if len(rule) > 3 else ()
    bad = []
    for name, path in MODULES.items():
        if not name.startswith(source_ok) or name in exempt:
            continue
        for imported in _imports(path):
            if imported in allowed:
                continue
            if any(imported == f or imported.startswith(f + '.')
                   for f in forbidden):
                bad.append('%s imports %s' % (name, imported))
    return bad


RULES = {
    'nothing below api imports api': (
        'nova_lite', ['nova_lite.api'],
        {n for n in MODULES if n.startswith('nova_lite.api')} |
        {'nova_lite.service', 'nova_lite.wsgi.compute'}),
    'compute.api never imports a manager': (
        'nova_lite.compute.api',
        ['nova_lite.compute.manager', 'nova_lite.conductor.manager',
         'nova_lite.scheduler.manager', 'nova_lite.db'], set()),
    'compute host code never imports db': (
        'nova_lite.compute',
        ['nova_lite.db'], {'nova_lite.compute.api'}),
    'virt imports nothing above it': (
        'nova_lite.virt',
        ['nova_lite.api', 'nova_lite.compute', 'nova_lite.conductor',
         'nova_lite.scheduler', 'nova_lite.db', 'nova_lite.objects',
         'nova_lite.image'],
        set(), {'nova_lite.objects.network_info', 'nova_lite.image.meta'}),
    'db never reaches up into compute': (
        'nova_lite.db', ['nova_lite.compute'], set()),
    'the states are a leaf': ('nova_lite.states', ['nova_lite'], set()),
    'the image metadata helpers are a leaf': (
        'nova_lite.image.meta', ['nova_lite'], set()),
    'the network model is a leaf': (
        'nova_lite.objects.network_info', ['nova_lite'], set()),
    'network code, which compute hosts run, never imports db': (
        'nova_lite.network', ['nova_lite.db'], set()),
    'the privileged side knows no service': (
        'nova_lite.privsep',
        ['nova_lite.api', 'nova_lite.compute', 'nova_lite.conductor',
         'nova_lite.scheduler', 'nova_lite.db', 'nova_lite.objects',
         'nova_lite.network', 'nova_lite.virt', 'nova_lite.image'],
        set()),
    'the image service keeps out of nova-lite\'s database': (
        'nova_lite.image.service', ['nova_lite.db', 'nova_lite.objects'],
        set()),
    'only the image service (and manage\'s image_db) reads its tables': (
        'nova_lite', ['nova_lite.image.service.db'],
        {n for n in MODULES if n.startswith('nova_lite.image.service')} |
        {'nova_lite.cmd.manage'}),
    'the api layer reaches no manager and no db': (
        'nova_lite.api',
        ['nova_lite.db', 'nova_lite.compute.manager',
         'nova_lite.conductor.manager', 'nova_lite.scheduler.manager'],
        set()),
}


@pytest.mark.parametrize('rule', sorted(RULES))
def test_import_rule(rule):
    assert _violations(RULES[rule]) == []


def test_only_service_and_cmd_name_managers():
    allowed = ('nova_lite.service', 'nova_lite.cmd')
    bad = []
    for name, path in MODULES.items():
        if name.startswith(allowed) or name.endswith('.manager'):
            continue
        for imported in _imports(path):
            if imported.endswith('.manager') or '.manager.' in imported:
                bad.append('%s imports %s' % (name, imported))
    assert bad == []


def test_only_rpcapi_modules_build_rpc_clients():
    bad = [name for name, path in MODULES.items()
           if 'get_client(' in path.read_text() and
           not name.endswith('rpcapi') and name != 'nova_lite.rpc']
    assert bad == []


def test_only_utils_and_monkey_patch_use_eventlet():
    allowed = {'nova_lite.utils', 'nova_lite.monkey_patch'}
    bad = [name for name, path in MODULES.items()
           if name not in allowed and
           any(i == 'eventlet' or i.startswith('eventlet.')
               for i in _imports(path))]
    assert bad == []


def test_config_options_live_only_in_conf():
    bad = [name for name, path in MODULES.items()
           if not name.startswith('nova_lite.conf') and
           ('cfg.StrOpt(' in path.read_text() or
            'cfg.IntOpt(' in path.read_text() or
            'cfg.BoolOpt(' in path.read_text())]
    assert bad == []


def test_the_rule_walker_sees_a_violation(tmp_path):
    """The walker itself must catch an import it forbids."""
    fake = tmp_path / 'mod.py'
    fake.write_text('from nova_lite.db import api as db\n')
    assert 'nova_lite.db.api' in _imports(fake)
