"""compute.api: what a create writes and sends, and what it refuses."""

from unittest import mock

import pytest

from nova_lite.cmd import manage
from nova_lite.compute import api as compute_api
from nova_lite.compute import keypairs as compute_keypairs
from nova_lite.db import api as db_api
from nova_lite import exception
from nova_lite import objects

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
GiB = 1024 ** 3


def _image(**changes):
    image = {'id': IMAGE, 'name': 'cirros', 'status': 'active',
             'visibility': 'public', 'disk_format': 'qcow2',
             'container_format': 'bare', 'min_ram': 0, 'min_disk': 0,
             'size': 21430272}
    image.update(changes)
    return image


class FakeImageAPI:
    """The Glance v2 client at the edge: image bodies by id."""

    def __init__(self, *images):
        self.images = {image['id']: image for image in images}

    def get(self, context, image_id):
        if image_id not in self.images:
            raise exception.ImageNotFound(image_id=image_id)
        return dict(self.images[image_id])


@pytest.fixture
def api(database):
    manage.bootstrap()
    with mock.patch('nova_lite.rpc.get_client'):
        api = compute_api.API()
    api.compute_task_api = mock.Mock()
    api.compute_rpcapi = mock.Mock()
    api.image_api = FakeImageAPI(_image())
    return api


def _live(ctxt):
    return objects.InstanceList.get_by_filters(ctxt, {}).objects


def test_create_records_building_instances_and_casts(api, ctxt):
    flavor = api.get_flavor_for_create(ctxt, '1')
    instances, rid = api.create(ctxt, flavor, IMAGE, name='web',
                                min_count=2, max_count=2,
                                metadata={'k': 'v'})
    assert rid.startswith('r-')
    assert [i.display_name for i in instances] == ['web-1', 'web-2']
    for instance in instances:
        stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
        assert (stored.vm_state, stored.task_state) == ('building',
                                                        'scheduling')
        assert stored.flavor.flavorid == '1'
        assert stored.metadata == {'k': 'v'}
        spec = objects.RequestSpec.get_by_instance_uuid(ctxt, instance.uuid)
        assert spec.num_instances == 2
        action = objects.InstanceAction.get_by_request_id(
            ctxt, instance.uuid, 'req-unit')
        assert action.action == 'create'
    kwargs = api.compute_task_api.build_instances.call_args.kwargs
    assert [i.uuid for i in kwargs['instances']] == [i.uuid
                                                     for i in instances]


@pytest.mark.parametrize('kwargs,error', [
    (dict(image_href='no-such-image'), exception.ImageNotFoundForCreate),
    (dict(min_count=3, max_count=2), exception.InvalidInput),
    (dict(key_name='missing'), exception.KeypairNotFoundForCreate),
    (dict(availability_zone='elsewhere'),
     exception.AvailabilityZoneNotFound),
])
def test_create_refuses_bad_input_and_writes_nothing(api, ctxt, kwargs,
                                                     error):
    args = dict(image_href=IMAGE, name='x')
    args.update(kwargs)
    flavor = api.get_flavor_for_create(ctxt, '1')
    with pytest.raises(error):
        api.create(ctxt, flavor, **args)
    assert _live(ctxt) == []
    api.compute_task_api.build_instances.assert_not_called()


# m1.tiny: 512 MiB of RAM, a 1 GiB root disk; m1.small: 2 GiB, 20 GiB.
@pytest.mark.parametrize('flavor_id,image,error,message', [
    ('1', _image(status='queued'), exception.ImageNotActive,
     'Image %s is not active.' % IMAGE),
    ('1', _image(status='saving'), exception.ImageNotActive, None),
    ('1', _image(min_ram=1024), exception.FlavorMemoryTooSmall,
     "Flavor's memory is too small for requested image."),
    ('1', _image(size=GiB + 1), exception.FlavorDiskSmallerThanImage,
     "Flavor's disk is too small for requested image. Flavor disk is "
     "1073741824 bytes, image is 1073741825 bytes."),
    ('1', _image(min_disk=2), exception.FlavorDiskSmallerThanMinDisk,
     "Flavor's disk is too small for requested image. Flavor disk is "
     "1073741824 bytes, minimum size is 2147483648 bytes."),
    ('2', _image(min_ram=2048, min_disk=20, size=20 * GiB), None, None),
])
def test_image_checks_against_the_flavor(api, ctxt, flavor_id, image, error,
                                         message):
    api.image_api = FakeImageAPI(image)
    flavor = api.get_flavor_for_create(ctxt, flavor_id)
    if error is None:
        (instance,), _ = api.create(ctxt, flavor, IMAGE, name='fits')
        assert instance.image_ref == IMAGE
        return
    with pytest.raises(error) as raised:
        api.create(ctxt, flavor, IMAGE, name='x')
    assert raised.value.code == 400
    if message:
        assert raised.value.format_message() == message
    assert _live(ctxt) == []


def test_image_is_looked_up_with_the_callers_context(api, ctxt):
    api.image_api = mock.Mock(wraps=FakeImageAPI(_image()))
    flavor = api.get_flavor_for_create(ctxt, '1')
    api.create(ctxt, flavor, 'http://glance.test/v2/images/%s' % IMAGE,
               name='by-href')
    api.image_api.get.assert_called_once_with(ctxt, IMAGE)


def test_unknown_flavor_is_a_bad_request(api, ctxt):
    with pytest.raises(exception.FlavorNotFoundForCreate):
        api.get_flavor_for_create(ctxt, '999')


def test_quota_takes_what_fits_between_min_and_max(api, ctxt, flags):
    flags(instances=3, group='quota')
    flavor = api.get_flavor_for_create(ctxt, '1')
    instances, _ = api.create(ctxt, flavor, IMAGE, name='a', min_count=1,
                              max_count=5)
    assert len(instances) == 3
    with pytest.raises(exception.TooManyInstances):
        api.create(ctxt, flavor, IMAGE, name='b')
    assert len(_live(ctxt)) == 3


def test_recheck_undoes_a_create_that_raced_over_quota(api, ctxt, flags):
    flags(instances=1, group='quota')
    flavor = api.get_flavor_for_create(ctxt, '1')
    real_create = objects.Instance.create

    def create_and_race(self):
        real_create(self)
        # A concurrent request wrote its row between our check and recheck.
        if self.display_name == 'mine':
            racer = objects.Instance(
                context=ctxt, uuid='11111111-1111-1111-1111-111111111111',
                user_id='other', project_id=ctxt.project_id,
                vm_state='building', vcpus=1, memory_mb=512)
            real_create(racer)

    with mock.patch.object(objects.Instance, 'create', create_and_race):
        with pytest.raises(exception.TooManyInstances):
            api.create(ctxt, flavor, IMAGE, name='mine')
    names = [i.user_id for i in _live(ctxt)]
    assert names == ['other']
    api.compute_task_api.build_instances.assert_not_called()


def test_quota_is_counted_once_per_create(api, ctxt, flags):
    # NOTE: a create once read usage twice (room, then min_count); usage
    # that changed between the reads (a racer undoing its rows) made it
    # create nothing and answer 500.
    flags(instances=2, group='quota')
    flavor = api.get_flavor_for_create(ctxt, '1')
    full = {'instances': 2, 'cores': 2, 'ram': 1024}
    empty = {'instances': 0, 'cores': 0, 'ram': 0}
    with mock.patch('nova_lite.quota.usage', side_effect=[full, empty]):
        with pytest.raises(exception.TooManyInstances):
            api.create(ctxt, flavor, IMAGE, name='a')
    assert _live(ctxt) == []
    api.compute_task_api.build_instances.assert_not_called()


@pytest.mark.parametrize('limit, locked', [(5, True), (-1, False)])
def test_creates_of_a_limited_project_take_its_lock(api, ctxt, flags,
                                                    limit, locked):
    flags(instances=limit, cores=-1, ram=-1, group='quota')
    flavor = api.get_flavor_for_create(ctxt, '1')
    taken = []
    real_lock = db_api.named_lock

    def named_lock(name, timeout):
        taken.append(name)
        return real_lock(name, timeout)

    with mock.patch.object(db_api, 'named_lock', named_lock):
        instances, _ = api.create(ctxt, flavor, IMAGE, name='a',
                                  max_count=2)
    assert len(instances) == 2
    assert taken == (['quota-instances-%s' % ctxt.project_id] if locked
                     else [])


def test_get_hides_other_projects(api, ctxt, admin_ctxt):
    flavor = api.get_flavor_for_create(ctxt, '1')
    (instance,), _ = api.create(ctxt, flavor, IMAGE, name='mine')
    other = ctxt.from_dict(dict(ctxt.to_dict(), project_id='project-2'))
    other.is_admin = False
    with pytest.raises(exception.InstanceNotFound):
        api.get(other, instance.uuid)
    assert api.get(admin_ctxt, instance.uuid).uuid == instance.uuid
    with pytest.raises(exception.InstanceNotFound):
        api.get(ctxt, 'not-a-uuid')


def test_delete_unscheduled_instance_is_local(api, ctxt):
    flavor = api.get_flavor_for_create(ctxt, '1')
    (instance,), _ = api.create(ctxt, flavor, IMAGE, name='mine')
    api.delete(ctxt, instance)
    assert _live(ctxt) == []
    api.compute_rpcapi.terminate_instance.assert_not_called()


def test_delete_on_live_host_goes_to_the_host(api, ctxt, admin_ctxt):
    service = objects.Service(context=admin_ctxt, host='h1',
                              binary='nova-compute', topic='compute')
    service.create()
    service.heartbeat()
    flavor = api.get_flavor_for_create(ctxt, '1')
    (instance,), _ = api.create(ctxt, flavor, IMAGE, name='mine')
    instance.host = 'h1'
    instance.save()
    api.delete(ctxt, instance)
    assert objects.Instance.get_by_uuid(ctxt, instance.uuid).task_state \
        == 'deleting'
    api.compute_rpcapi.terminate_instance.assert_called_once_with(
        ctxt, instance=instance, host='h1')


def test_keypair_import_fingerprint_and_duplicates(api, ctxt):
    keys = compute_keypairs.KeypairAPI()
    keypair, private = keys.create_key_pair(ctxt, 'user-1', 'gen')
    assert private.startswith('-----BEGIN RSA PRIVATE KEY-----')
    imported = keys.import_key_pair(ctxt, 'user-1', 'imp',
                                    keypair.public_key)
    assert imported.fingerprint == keypair.fingerprint
    assert imported.fingerprint.count(':') == 15
    with pytest.raises(exception.KeyPairExists):
        keys.import_key_pair(ctxt, 'user-1', 'imp', keypair.public_key)
    with pytest.raises(exception.InvalidKeypair):
        keys.import_key_pair(ctxt, 'user-1', 'bad', 'ssh-rsa garbage')


@pytest.mark.parametrize('public_key', [
    # NOTE: a key type cryptography does not know raises its own error
    # (UnsupportedAlgorithm), not a ValueError.
    'ssh-foo AAAAB3NzaC1yc2E=', 'ssh-ed448 AAAAC3NzaC1lZDI1NTE5AAAAIA==',
    'junk', ''])
def test_keypair_import_of_junk_is_invalid(api, ctxt, public_key):
    keys = compute_keypairs.KeypairAPI()
    with pytest.raises(exception.InvalidKeypair) as caught:
        keys.import_key_pair(ctxt, 'user-1', 'bad', public_key)
    assert caught.value.format_message().count('Keypair data is invalid') \
        == 1
