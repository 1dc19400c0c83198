"""Each host filter, table-driven, and the runner that records removals."""

import json

import pytest

from nova_lite import exception
from nova_lite.scheduler import filters
from nova_lite.scheduler.filters import availability_zone_filter
from nova_lite.scheduler.filters import compute_filter
from nova_lite.scheduler.filters import image_props_filter
from nova_lite.scheduler.filters import resource_fit
from nova_lite.scheduler import utils
from nova_lite.scheduler import weights
from tests.fixtures import entry_points

from .fakes import make_host_state
from .fakes import make_service
from .fakes import make_spec


def _verdict(host_filter, host_state, spec):
    return filters._verdict(host_filter.host_passes(host_state, spec))


# ---- ComputeFilter ---------------------------------------------------------

# NOTE: services are made when the test runs, not when it is collected:
# a heartbeat taken at collection is stale by then in a long run.
@pytest.mark.parametrize('service, passes, reason', [
    ({}, True, None),
    (dict(up=False), False, 'compute service is down'),
    (dict(forced_down=True), False, 'compute service forced down'),
    (dict(disabled=True), False, 'compute service disabled'),
    (dict(disabled=True, disabled_reason='maintenance'), False,
     'compute service disabled (maintenance)'),
    (None, False, 'no compute service record'),
])
def test_compute_filter(service, passes, reason):
    if service is not None:
        service = make_service(**service)
    verdict = _verdict(compute_filter.ComputeFilter(),
                       make_host_state(service=service), make_spec())
    assert (bool(verdict), verdict.reason) == (passes, reason)


# ---- ResourceFitFilter -----------------------------------------------------

@pytest.mark.parametrize('node, used, flavor, passes, reason', [
    # plain fit, and exactly full
    ({}, {}, dict(vcpus=8, memory_mb=8192, root_gb=100), True, None),
    ({}, {'VCPU': 7}, dict(vcpus=1), True, None),
    ({}, {'VCPU': 8}, dict(vcpus=1), False,
     'not enough VCPU: requested 1, free 0'),
    ({}, {'MEMORY_MB': 6144}, dict(memory_mb=4096), False,
     'not enough MEMORY_MB: requested 4096, free 2048'),
    # allocation ratios multiply what can be handed out
    (dict(cpu_allocation_ratio=4.0), {'VCPU': 24}, dict(vcpus=8), True,
     None),
    (dict(cpu_allocation_ratio=4.0), {'VCPU': 25}, dict(vcpus=8), False,
     'not enough VCPU: requested 8, free 7'),
    (dict(ram_allocation_ratio=1.5), {}, dict(memory_mb=12288), True, None),
    (dict(ram_allocation_ratio=0.5), {}, dict(memory_mb=4097), False,
     'not enough MEMORY_MB: requested 4097, free 4096'),
    # reserves come off before the ratio
    (dict(reserved_memory_mb=512, ram_allocation_ratio=2.0), {},
     dict(memory_mb=15360), True, None),
    (dict(reserved_memory_mb=512, ram_allocation_ratio=2.0), {},
     dict(memory_mb=15361), False,
     'not enough MEMORY_MB: requested 15361, free 15360'),
    (dict(reserved_vcpus=2), {}, dict(vcpus=7), False,
     'not enough VCPU: requested 7, free 6'),
    # disk = root + ephemeral + swap rounded up to a GB
    (dict(reserved_disk_gb=10), {}, dict(root_gb=80, ephemeral_gb=10),
     True, None),
    (dict(reserved_disk_gb=10), {}, dict(root_gb=80, ephemeral_gb=10,
                                         swap=1), False,
     'not enough DISK_GB: requested 91, free 90'),
    # several short: all named
    ({}, {'VCPU': 8, 'MEMORY_MB': 8192}, dict(vcpus=1, memory_mb=1), False,
     'not enough VCPU: requested 1, free 0 and '
     'not enough MEMORY_MB: requested 1, free 0'),
    # over-committed after a shrink: free shows as 0, not negative
    ({}, {'VCPU': 10}, dict(vcpus=1), False,
     'not enough VCPU: requested 1, free 0'),
])
def test_resource_fit_filter(node, used, flavor, passes, reason):
    host_state = make_host_state(used=used, **node)
    verdict = _verdict(resource_fit.ResourceFitFilter(), host_state,
                       make_spec(**flavor))
    assert (bool(verdict), verdict.reason) == (passes, reason)


@pytest.mark.parametrize('flavor, expected', [
    (dict(vcpus=2, memory_mb=2048, root_gb=20),
     {'VCPU': 2, 'MEMORY_MB': 2048, 'DISK_GB': 20}),
    (dict(root_gb=10, ephemeral_gb=5, swap=1), {'DISK_GB': 16}),
    (dict(root_gb=10, swap=1024), {'DISK_GB': 11}),
    (dict(root_gb=10, swap=1025), {'DISK_GB': 12}),
    (dict(root_gb=0), {'DISK_GB': None}),
    (dict(vcpus=4, extra_specs={'resources:VCPU': '1'}), {'VCPU': 1}),
    (dict(root_gb=10, extra_specs={'resources:DISK_GB': '0'}),
     {'DISK_GB': None}),
    (dict(vcpus=4, extra_specs={'resources:CUSTOM_X': '1',
                                'hw:cpu_policy': 'dedicated'}),
     {'VCPU': 4, 'CUSTOM_X': None}),
])
def test_resources_from_spec(flavor, expected):
    resources = utils.resources_from_spec(make_spec(**flavor))
    for rc, amount in expected.items():
        assert resources.get(rc) == amount


# ---- AvailabilityZoneFilter ------------------------------------------------

@pytest.mark.parametrize('host_az, wanted, passes', [
    ('nova', None, True),
    ('nova', '', True),
    ('nova', 'nova', True),
    ('nova', 'nova:host-a', True),
    ('nova', 'east', False),
    ('east', 'nova', False),
])
def test_availability_zone_filter(host_az, wanted, passes):
    verdict = _verdict(availability_zone_filter.AvailabilityZoneFilter(),
                       make_host_state(az=host_az),
                       make_spec(availability_zone=wanted))
    assert bool(verdict) == passes
    if not passes:
        assert verdict.reason == 'in availability zone %s, not %s' % (
            host_az, wanted)


def test_hosts_are_in_the_default_zone(flags):
    flags.set(default_availability_zone='zone-1')
    assert make_host_state().availability_zone == 'zone-1'


# ---- ImagePropertiesFilter -------------------------------------------------

def _cpu_info(**info):
    return json.dumps(info)


@pytest.mark.parametrize('node, props, passes', [
    # nothing asked: anything goes, even a host that says nothing
    ({}, {}, True),
    (dict(cpu_info=None), {}, True),
    (dict(cpu_info=None), {'os_distro': 'debian'}, True),
    # architecture, with aliases on the image side
    ({}, {'hw_architecture': 'x86_64'}, True),
    ({}, {'hw_architecture': 'amd64'}, True),
    ({}, {'architecture': 'x86_64'}, True),
    ({}, {'hw_architecture': 'aarch64'}, False),
    (dict(cpu_info=_cpu_info(arch='aarch64')),
     {'hw_architecture': 'arm64'}, True),
    # hypervisor type: a QEMU host runs qemu and kvm guests
    ({}, {'img_hv_type': 'fake'}, True),
    ({}, {'img_hv_type': 'kvm'}, False),
    (dict(hypervisor_type='QEMU'), {'img_hv_type': 'kvm'}, True),
    (dict(hypervisor_type='QEMU'), {'img_hv_type': 'qemu'}, True),
    (dict(hypervisor_type='QEMU'), {'img_hv_type': 'xen'}, False),
    (dict(hypervisor_type='QEMU'), {'hypervisor_type': 'xen'}, False),
    # vm mode
    ({}, {'hw_vm_mode': 'hvm'}, True),
    ({}, {'hw_vm_mode': 'hv'}, True),
    ({}, {'hw_vm_mode': 'xen'}, False),
    # all three must match one supported instance
    (dict(hypervisor_type='QEMU'),
     {'hw_architecture': 'x86_64', 'img_hv_type': 'kvm',
      'hw_vm_mode': 'hvm'}, True),
    (dict(hypervisor_type='QEMU'),
     {'hw_architecture': 'ppc64le', 'img_hv_type': 'kvm'}, False),
    # a host that advertises nothing cannot promise anything (as in Nova)
    (dict(cpu_info=None), {'hw_architecture': 'x86_64'}, False),
    (dict(cpu_info='not json'), {'hw_architecture': 'x86_64'}, False),
    # a compute may spell out exactly what it runs
    (dict(cpu_info=_cpu_info(arch='x86_64', supported_instances=[
        ['x86_64', 'kvm', 'hvm']])), {'img_hv_type': 'kvm'}, True),
    (dict(cpu_info=_cpu_info(arch='x86_64', supported_instances=[
        ['x86_64', 'qemu', 'hvm']]), hypervisor_type='QEMU'),
     {'img_hv_type': 'kvm'}, False),
])
def test_image_properties_filter(node, props, passes):
    verdict = _verdict(image_props_filter.ImagePropertiesFilter(),
                       make_host_state(**node),
                       make_spec(image_props=props))
    assert bool(verdict) == passes
    if not passes:
        assert 'image needs' in verdict.reason


def test_image_properties_reason_names_both_sides():
    verdict = _verdict(image_props_filter.ImagePropertiesFilter(),
                       make_host_state(hypervisor_type='QEMU'),
                       make_spec(image_props={'hw_architecture': 'ppc64le'}))
    assert verdict.reason == ('image needs ppc64le/*/* (arch/hv_type/vm_mode),'
                              ' host supports x86_64/qemu/hvm, '
                              'x86_64/kvm/hvm')


# ---- the runner and plugin loading -----------------------------------------

class _RemoveNamed(filters.BaseHostFilter):
    def __init__(self, names, reason=None):
        self.names = names
        self.reason = reason

    def host_passes(self, host_state, spec_obj):
        if host_state.host not in self.names:
            return True
        # NOTE: plain bools and (bool, reason) tuples are allowed too.
        return (False, self.reason) if self.reason else False


def test_run_filters_records_who_removed_what():
    hosts = [make_host_state('host-%d' % i, node_id=i) for i in range(4)]
    first = _RemoveNamed({'host-0'})
    second = _RemoveNamed({'host-1', 'host-2'}, 'too blue')
    third = _RemoveNamed(set())
    passed, runs = filters.run_filters([first, second, third], hosts,
                                       make_spec())
    assert [h.host for h in passed] == ['host-3']
    assert [(r.name, r.removed_count) for r in runs] == [
        ('_RemoveNamed', 1), ('_RemoveNamed', 2), ('_RemoveNamed', 0)]
    assert runs[0].removed == [('host-0', None)]
    assert runs[1].removed == [('host-1', 'too blue'), ('host-2', 'too blue')]


def test_run_filters_stops_when_no_host_is_left():
    hosts = [make_host_state()]
    passed, runs = filters.run_filters(
        [_RemoveNamed({'host-a'}), _RemoveNamed(set())], hosts, make_spec())
    assert passed == [] and len(runs) == 1


def test_forced_hosts_only_run_filters_that_insist():
    host = make_host_state(service=make_service(disabled=True),
                           memory_mb=1024)
    chain = [compute_filter.ComputeFilter(), resource_fit.ResourceFitFilter()]
    passed, runs = filters.run_filters(chain, [host],
                                       make_spec(memory_mb=512), forced=True)
    assert passed == [host]
    assert [r.name for r in runs] == ['ResourceFitFilter']
    passed, runs = filters.run_filters(chain, [host],
                                       make_spec(memory_mb=2048), forced=True)
    assert passed == [] and runs[0].removed_count == 1


def test_load_filters_by_name_in_order():
    loaded = filters.load_filters(['ImagePropertiesFilter', 'ComputeFilter'])
    assert [f.name for f in loaded] == ['ImagePropertiesFilter',
                                        'ComputeFilter']


def test_load_filter_of_another_package(tmp_path, monkeypatch):
    entry_points.install(
        tmp_path, monkeypatch, filters.NAMESPACE,
        {'MyFilter': 'nova_lite.scheduler.filters.compute_filter:'
                     'ComputeFilter'})
    loaded = filters.load_filters(['MyFilter'])
    assert isinstance(loaded[0], compute_filter.ComputeFilter)


def test_load_weigher_that_does_not_import(tmp_path, monkeypatch):
    entry_points.install(tmp_path, monkeypatch, weights.NAMESPACE,
                         {'Broken': 'nova_lite.no_such_module:Weigher'})
    with pytest.raises(exception.SchedulerPluginNotFound) as error:
        weights.load_weighers(['RAMWeigher', 'Broken'])
    assert 'Broken' in str(error.value)


@pytest.mark.parametrize('name', ['NoSuchFilter', 'no.such.module:Filter'])
def test_load_unknown_filter_fails(name):
    with pytest.raises(exception.SchedulerPluginNotFound) as error:
        filters.load_filters([name])
    assert name in str(error.value)


def test_unset_optional_fields_are_defaults():
    spec = make_spec()
    del spec.image
    spec.flavor = spec.flavor.__class__(vcpus=1, memory_mb=64, root_gb=2)
    assert utils.resources_from_spec(spec) == {
        'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 2}
    assert _verdict(image_props_filter.ImagePropertiesFilter(),
                    make_host_state(), spec)
