"""Every option nova-lite registers is read somewhere: an option that
nothing reads promises the operator a knob that does nothing.

The check reads the source of ``nova_lite`` (``nova_lite/conf/`` aside,
where the options are declared) and looks for a read of each option:

* ``CONF.<name>`` (or any ``<expr>.<name>`` in a module that says
  ``CONF``) for ``[DEFAULT]`` options; ``<group>.<name>`` for the others,
  or ``.<name>`` in a module that names the group (``conf.CONF.wsgi``
  bound to a variable first);
* the name quoted (``set_default('name', ...)``, ``getattr(CONF,
  'name')``, ``group='...'`` tables);
* a name built at run time: a format string such as ``'%s_listen'`` in a
  module that also quotes the prefix (``'osapi_compute'``);
* a whole group handed to a library (``CONF.<group>.items()`` or
  ``dict(CONF.<group>)``), which reads every option of it.

Options that oslo libraries define and read themselves are out of scope:
only ``nova_lite.conf``'s own modules are walked, and oslo.db's
``[database]`` options, which nova-lite registers as they are, skipped.
"""

import pathlib
import re

from oslo_db import options as oslo_db_options
import pytest

from nova_lite import conf

ROOT = pathlib.Path(__file__).resolve().parents[2] / 'nova_lite'


def _sources():
    """``{relative path: text}`` of every module outside nova_lite/conf."""
    return {str(path.relative_to(ROOT)): path.read_text(encoding='utf-8')
            for path in ROOT.rglob('*.py')
            if path.relative_to(ROOT).parts[0] != 'conf'}


SOURCES = _sources()


# NOTE: options a library defines and reads itself, which nova-lite
# registers as they are (with its own defaults): oslo.db's [database].
LIBRARY_OPTIONS = frozenset(
    ('database', opt.dest) for opt in oslo_db_options.database_opts)


def _registered():
    """``[(group name, option name)]`` of nova_lite.conf's modules."""
    options = []
    for module in conf._MODULES:
        for group, opts in module.list_opts().items():
            name = getattr(group, 'name', group) or 'DEFAULT'
            options += [(name, opt.dest) for opt in opts]
    return sorted(set(options))


class _Index:
    """What one module could read options with: the strings it quotes,
    the names it builds from them, the attributes it takes."""

    def __init__(self, text):
        self.quoted = set(re.findall(r'''['"]([A-Za-z_]\w*)['"]''', text))
        self.built = {fmt.replace('%s', literal)
                      for fmt in re.findall(r'''['"](\w*%s\w*)['"]\s*%''',
                                            text)
                      for literal in self.quoted}
        self.attributes = set(re.findall(r'\.(\w+)', text))
        self.conf_attributes = set(re.findall(r'\bCONF\.(\w+)', text))
        self.pairs = set(re.findall(r'\.(\w+)\.(\w+)', text))
        self.says_conf = re.search(r'\bCONF\b', text) is not None

    def reads(self, group, name):
        if name in self.quoted or name in self.built:
            return True
        if group == 'DEFAULT':
            return name in self.conf_attributes or (
                self.says_conf and name in self.attributes)
        if (group, name) in self.pairs:
            return True
        names_group = group in self.attributes or group in self.quoted
        return names_group and name in self.attributes


INDEXES = [_Index(text) for text in SOURCES.values()]


def _read_in(text, group, name):
    return _Index(text).reads(group, name)


def _whole_group_read(group):
    pattern = re.compile(r'CONF\.%s\.items\(\)|dict\(\s*CONF\.%s\s*\)'
                         % (re.escape(group), re.escape(group)))
    return any(pattern.search(text) for text in SOURCES.values())


def unread_options():
    """``[(group, name)]`` of the options no module reads."""
    return [(group, name) for group, name in _registered()
            if (group, name) not in LIBRARY_OPTIONS and
            not _whole_group_read(group) and
            not any(index.reads(group, name) for index in INDEXES)]


def test_every_option_is_read():
    unread = unread_options()
    assert not unread, (
        'Options nothing in nova_lite reads (read them where they act, or '
        'remove them from nova_lite/conf/): %s'
        % ', '.join('[%s] %s' % item for item in unread))


@pytest.mark.parametrize('text, group, name, expected', [
    ('x = CONF.report_interval', 'DEFAULT', 'report_interval', True),
    ('CONF.set_default("osapi_compute_listen", "1")', 'DEFAULT',
     'osapi_compute_listen', True),
    ("getattr(CONF, '%s_listen' % name)\nNAMES = ('metadata',)",
     'DEFAULT', 'metadata_listen', True),
    ('wsgi_conf = conf.CONF.wsgi\nwsgi_conf.max_header_line', 'wsgi',
     'max_header_line', True),
    ('CONF.compute.orphan_audit_interval', 'compute',
     'orphan_audit_interval', True),
    # NOTE: the same name in another group is not a read of this one.
    ('CONF.scheduler.workers', 'conductor', 'workers', False),
    ('# mentions report_interval in a comment only', 'DEFAULT',
     'report_interval', False),
])
def test_the_check_itself(text, group, name, expected):
    assert _read_in(text, group, name) is expected


def test_an_unread_option_is_caught(monkeypatch):
    from oslo_config import cfg

    class _Module:
        @staticmethod
        def list_opts():
            return {'DEFAULT': [cfg.IntOpt('nothing_reads_this_knob')]}

    monkeypatch.setattr(conf, '_MODULES', conf._MODULES + (_Module,))
    assert ('DEFAULT', 'nothing_reads_this_knob') in unread_options()
