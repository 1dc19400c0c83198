"""etc/systemd/: a unit per service, each run as the nova-lite user."""

import configparser
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
UNITS = os.path.join(REPO, 'etc', 'systemd')
SERVICES = ('api', 'conductor', 'scheduler', 'compute', 'image', 'metadata',
            'network')


def _unit(service):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    with open(os.path.join(UNITS, 'nova-lite-%s.service' % service)) as f:
        parser.read_file(f)
    return parser


def test_a_unit_per_service_and_no_other():
    assert sorted(os.listdir(UNITS)) == sorted(
        'nova-lite-%s.service' % s for s in SERVICES)


@pytest.mark.parametrize('service', SERVICES)
def test_unit(service):
    unit = _unit(service)
    assert unit['Service']['User'] == 'nova-lite'
    assert unit['Service']['Group'] == 'nova-lite'
    assert unit['Service']['ExecStart'] == (
        '/opt/nova-lite/bin/nova-lite-%s --config-file '
        '/etc/nova-lite/nova-lite.conf' % service)
    assert unit['Service']['Restart'] == 'on-failure'
    # NOTE: sudo starts the privsep daemons: no NoNewPrivileges.
    assert 'NoNewPrivileges' not in unit['Service']
    assert unit['Install']['WantedBy'] == 'multi-user.target'
    assert 'network-online.target' in unit['Unit']['After'].split()


def test_compute_unit_reaches_libvirt():
    unit = _unit('compute')
    assert unit['Service']['SupplementaryGroups'] == 'libvirt'
    assert 'libvirtd.service' in unit['Unit']['After'].split()
    assert 'libvirtd.service' in unit['Unit']['Wants'].split()
