"""ImagePropertiesFilter: only hosts that can run the image's arch, hypervisor
and VM mode."""

from nova_lite.scheduler import filters

# NOTE: (current name, legacy name) of each property; Glance images made
# for older Nova still carry the legacy ones.
_PROPS = (('hw_architecture', 'architecture'),
          ('img_hv_type', 'hypervisor_type'),
          ('hw_vm_mode', 'vm_mode'))

_ARCH_ALIASES = {'amd64': 'x86_64', 'x64': 'x86_64', 'x86': 'i686',
                 'i386': 'i686', 'i486': 'i686', 'i586': 'i686',
                 'arm64': 'aarch64'}
_HV_ALIASES = {'xapi': 'xen'}
_VM_MODE_ALIASES = {'hv': 'hvm', 'baremetal': 'hvm', 'pv': 'xen'}


def _canonical(value, aliases):
    if not value:
        return None
    value = value.strip().lower()
    return aliases.get(value, value)


def requested(image_properties):
    """``(arch, hv_type, vm_mode)`` an image asks for; None where it does
    not say."""
    props = image_properties or {}
    values = [props.get(new) or props.get(old) for new, old in _PROPS]
    return (_canonical(values[0], _ARCH_ALIASES),
            _canonical(values[1], _HV_ALIASES),
            _canonical(values[2], _VM_MODE_ALIASES))


def _wanted(spec_obj):
    image = spec_obj.image if spec_obj.obj_attr_is_set('image') else None
    props = (image.properties if image is not None and
             image.obj_attr_is_set('properties') else {})
    return requested(props)


class ImagePropertiesFilter(filters.BaseHostFilter):
    """Removes hosts that cannot run the image as its properties describe.

    An image that names none of the three passes everywhere. One that does
    needs a host advertising a supported instance that matches every
    property it names; as in Nova, a host that advertises nothing is
    removed, since nothing says it could run the image.
    """

    def filter_all(self, host_states, spec_obj):
        # NOTE: most images name none of the properties: every host
        # passes, and reading the image once is enough.
        if not any(_wanted(spec_obj)):
            return list(host_states), []
        return super().filter_all(host_states, spec_obj)

    def host_passes(self, host_state, spec_obj):
        wanted = _wanted(spec_obj)
        if not any(wanted):
            return True
        wanted_text = '/'.join(w or '*' for w in wanted)
        supported = host_state.supported_instances
        if not supported:
            return filters.fails('image needs %s (arch/hv_type/vm_mode) but '
                                 'the host advertises no supported '
                                 'instances' % wanted_text)
        for entry in supported:
            if all(w is None or w == have for w, have in zip(wanted, entry)):
                return True
        return filters.fails(
            'image needs %s (arch/hv_type/vm_mode), host supports %s' %
            (wanted_text, ', '.join('/'.join(p or '*' for p in entry)
                                    for entry in supported)))
