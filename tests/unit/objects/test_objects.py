"""The fingerprints of the versioned objects: a change to an object's
fields or remotable methods without a version bump fails here."""

import pprint

from oslo_versionedobjects import fixture

from nova_lite.objects import base

# NOTE: an object whose fields or remotable methods change needs a new
# VERSION (and, when older services may receive it, an
# obj_make_compatible); then update its line here with the hash the
# failure prints. Only ever bump: a service of the previous release
# still speaks the old version.
OBJECT_DATA = {
    'Aggregate': '1.0-c504f1c71f255f1920dc40bc1b1d5431',
    'AggregateList': '1.0-232e18458d2844e560e5aa530e9d9930',
    'Allocation': '1.1-24be0b7f533e39349bff783afca2b91e',
    'AllocationList': '1.0-4d7772da63342b5bd3aacb0ddced9bcd',
    'ComputeNode': '1.0-c61ebd294ed5b2f23b6d329ba1c11531',
    'ComputeNodeList': '1.0-edf24961f67e9e13d67aec6e7ff1c46a',
    'FixedIP': '1.0-ca06e8c9caa234446413373962e3081f',
    'FixedIPList': '1.0-56a1636e468251ae17f9155a2ec6e925',
    'Flavor': '1.0-b8578f203cb74215af68b56b9a770c42',
    'FlavorList': '1.0-52b5928600e7ca973aa4fc1e46f3934c',
    'ImageMeta': '1.0-19458ad267f0bd7423d6dcc6e6e86115',
    'Instance': '1.3-6173b46847b12b87964853def40eb2e9',
    'InstanceAction': '1.0-a33bfb9b1c5d01aa8e9003367d03e86e',
    'InstanceActionEvent': '1.0-f22337b08880d578a8d65836aa542246',
    'InstanceActionEventList': '1.0-13d92fb953030cdbfee56481756e02be',
    'InstanceActionList': '1.0-4a53826625cc280e15fae64a575e0879',
    'InstanceFault': '1.0-df20f4f1b636b09e362b78bf7b077d2a',
    'InstanceFaultList': '1.0-2f9135d53fc1013859c865668bb237e6',
    'InstanceGroup': '1.0-e82a626ca455de310e21f07903c44442',
    'InstanceGroupList': '1.0-1775f79ebec8741aa8ccc2c6aca735f1',
    'InstanceList': '1.0-da305a5fdfa3ce0d49c54643feda545e',
    'KeyPair': '1.0-97beda221142f0f01358b6c368352578',
    'KeyPairList': '1.0-94aad3ac5c938eef4b5e83da0212f506',
    'Migration': '1.1-cfd8eacf04fdb51edeb0bb5f3d68c133',
    'MigrationList': '1.1-3da18b7709620e6e841e1b6ed41f40da',
    'Network': '1.1-f93702a18cbcfd05034e6651594f2aaa',
    'NetworkList': '1.0-9c481df4f42a375c88cde94b4d620964',
    'RequestSpec': '1.2-f2b1437c521c99a8b3cb18fa7510ec0f',
    'Selection': '1.0-3cd8b9a70ff2a0098938ac93fef9db5e',
    'Service': '1.0-2ab252c82a438e85a908d180209d0d51',
    'ServiceList': '1.0-f6621975c20e5805eb2b67dec3679efc',
    'Tag': '1.0-8b8d7d5b48887651a0e01241672e2963',
    'TagList': '1.0-55231bdb671ecf7641d6a2e9109b5d8e',
    'TaskLog': '1.0-d9e92794848bf8c40d59dde7f8b52e10',
    'TaskLogList': '1.0-cc8cce1af8a283b9d28b55fcd682e777',
    'TunnelEndpoint': '1.0-8ba330e0b30aa5c724b438c9b0b10081',
    'TunnelEndpointList': '1.0-4ee0d9efdfd681fed822da88376e04d2',
    'VirtualInterface': '1.1-3f8105564a93f651930203a7a97c78b4',
    'VirtualInterfaceList': '1.1-f8cfaf094dd50feb0abf13508b182248',
}


def _nova_lite_classes():
    """name -> classes of nova-lite's objects (oslo.versionedobjects keeps
    one registry for every project in the process)."""
    classes = {}
    for name, versions in base.NovaObjectRegistry.obj_classes().items():
        ours = [cls for cls in versions
                if cls.OBJ_PROJECT_NAMESPACE ==
                base.NovaObject.OBJ_PROJECT_NAMESPACE]
        if ours:
            classes[name] = ours
    return classes


def test_versions():
    checker = fixture.ObjectVersionChecker(_nova_lite_classes())
    expected, actual = checker.test_hashes(OBJECT_DATA)
    assert expected == actual, (
        'Objects changed; bump their VERSION and update OBJECT_DATA:\n%s'
        % pprint.pformat(actual))
