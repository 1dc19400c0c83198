"""Validation: formats, Nova's error messages, and every request schema
with valid and invalid bodies."""

import copy

import pytest

from nova_lite.api.openstack.compute.schemas import flavor_manage
from nova_lite.api.openstack.compute.schemas import flavors
from nova_lite.api.openstack.compute.schemas import flavors_extraspecs
from nova_lite.api.openstack.compute.schemas import keypairs
from nova_lite.api.openstack.compute.schemas import servers
from nova_lite.api.validation import validators
from nova_lite import exception

UUID = '70a599e0-31e7-49b7-b260-868f441e862b'
NET = '3cb9bc59-5699-4588-a4b1-b87f96708bc6'


def check(schema, body, is_body=True):
    validators.SchemaValidator(schema, is_body=is_body).validate(body)


def error(schema, body, is_body=True):
    with pytest.raises(exception.ValidationError) as caught:
        check(schema, body, is_body)
    assert caught.value.code == 400
    return caught.value.format_message()


# ---- formats ---------------------------------------------------------------

@pytest.mark.parametrize('name, valid', [
    ('server-1', True),
    ('a b', True),
    ('üñíçødé', True),
    ('x', True),
    (' lead', False),
    ('trail ', False),
    ('tab\there', False),
    ('new\nline', False),
    ('\u00a0nbsp', False),
    ('zero\u200bwidth', False),
])
def test_name_format(name, valid):
    assert validators.is_valid_name(name) is valid


def test_invalid_name_message():
    message = error(servers.create, {'server': {'name': ' x',
                                                'flavorRef': '1'}})
    assert message == ("An invalid 'name' value was provided. The name must "
                       "be: printable characters. Can not start or end with "
                       "whitespace.")


def test_message_names_field_value_and_reason():
    message = error(servers.create, {'server': {'name': 'x',
                                                'flavorRef': '1',
                                                'min_count': 0}})
    assert message == ('Invalid input for field/attribute min_count. '
                       'Value: 0. 0 is less than the minimum of 1')


def test_message_without_path():
    assert error(servers.create, {}) == "'server' is a required property"


def test_query_message():
    message = error(flavors.index_query, {'sort_dir': ['up']}, is_body=False)
    assert message.startswith(
        'Invalid input for query parameters sort_dir. Value: up.')


# ---- servers: create -------------------------------------------------------

BASE = {'server': {'name': 'vm', 'imageRef': UUID, 'flavorRef': '1'}}


def body(**server):
    result = copy.deepcopy(BASE)
    result['server'].update(server)
    for key, value in list(result['server'].items()):
        if value is REMOVE:
            del result['server'][key]
    return result


REMOVE = object()

VALID_CREATE = [
    ('minimal', servers.create, body()),
    ('flavor as int', servers.create, body(flavorRef=1)),
    ('flavor as url', servers.create,
     body(flavorRef='http://h/flavors/1')),
    ('empty image', servers.create, body(imageRef='')),
    ('everything', servers.create, body(
        adminPass='pw', metadata={'k': 'v'},
        networks=[{'uuid': NET, 'fixed_ip': '10.0.0.2'}],
        **{'OS-DCF:diskConfig': 'AUTO'},
        accessIPv4='1.2.3.4', accessIPv6='80fe::', availability_zone='nova',
        config_drive=True, key_name='kp', min_count='1', max_count=3,
        return_reservation_id='true',
        security_groups=[{'name': 'default'}],
        user_data='IyEvYmluL2Jhc2gK',
        personality=[{'path': '/etc/motd', 'contents': 'aGk='}])),
    ('hints', servers.create,
     dict(body(), **{'os:scheduler_hints': {'group': UUID,
                                            'custom': 'anything'}})),
    ('old hints key', servers.create,
     dict(body(), **{'OS-SCH-HNT:scheduler_hints': {'same_host': UUID}})),
    ('description 2.19', servers.create_v219, body(description='d')),
    ('null description 2.19', servers.create_v219, body(description=None)),
    ('net tag 2.32', servers.create_v232,
     body(networks=[{'uuid': NET, 'tag': 't'}])),
    ('auto 2.37', servers.create_v237, body(networks='auto')),
    ('none 2.37', servers.create_v237, body(networks='none')),
    ('port 2.37', servers.create_v237, body(networks=[{'port': NET}])),
    ('tag 2.42', servers.create_v242,
     body(networks=[{'uuid': NET, 'tag': 'nic1'}])),
]


@pytest.mark.parametrize('name, schema, request_body', VALID_CREATE,
                         ids=[v[0] for v in VALID_CREATE])
def test_valid_create(name, schema, request_body):
    check(schema, request_body)


INVALID_CREATE = [
    ('missing name', servers.create, body(name=REMOVE), 'name'),
    ('missing flavor', servers.create, body(flavorRef=REMOVE), 'flavorRef'),
    ('empty name', servers.create, body(name=''), 'name'),
    ('256-char name', servers.create, body(name='x' * 256), 'name'),
    ('flavorRef list', servers.create, body(flavorRef=[1]), 'flavorRef'),
    ('flavorRef null', servers.create, body(flavorRef=None), 'flavorRef'),
    ('flavorRef empty', servers.create, body(flavorRef=''), 'flavorRef'),
    ('flavorRef dict', servers.create, body(flavorRef={}), 'flavorRef'),
    ('image not uuid', servers.create, body(imageRef='cirros'), 'imageRef'),
    ('unknown field', servers.create, body(color='red'), 'color'),
    ('unknown top key', servers.create, dict(body(), extra=1), 'extra'),
    ('server not object', servers.create, {'server': 'vm'}, 'server'),
    ('min_count 0', servers.create, body(min_count=0), 'min_count'),
    ('min_count "a"', servers.create, body(min_count='a'), 'min_count'),
    ('max_count -1', servers.create, body(max_count=-1), 'max_count'),
    ('bad ipv4', servers.create, body(accessIPv4='1.2.3'), 'accessIPv4'),
    ('bad ipv6', servers.create, body(accessIPv6='zz::'), 'accessIPv6'),
    # NOTE: netaddr raises ValueError for these rather than saying no.
    ('nul ipv4', servers.create, body(accessIPv4='1.2.3.4\x00'),
     'accessIPv4'),
    ('nul ipv6', servers.create, body(accessIPv6='::1\x00'), 'accessIPv6'),
    ('surrogate ipv4', servers.create, body(accessIPv4='1.2.3.4\ud800'),
     'accessIPv4'),
    ('bad disk config', servers.create,
     body(**{'OS-DCF:diskConfig': 'auto'}), 'OS-DCF:diskConfig'),
    # Like Nova, characters outside the alphabet are skipped; bad padding
    # is not.
    ('user_data not base64', servers.create, body(user_data='abc'),
     'user_data'),
    ('user_data too long', servers.create, body(user_data='QUFB' * 16384),
     'user_data'),
    ('metadata value not string', servers.create,
     body(metadata={'k': 1}), 'k'),
    ('metadata key too odd', servers.create,
     body(metadata={'k/e/y': 'v'}), 'metadata'),
    ('config_drive odd', servers.create, body(config_drive='maybe'),
     'config_drive'),
    ('description before 2.19', servers.create, body(description='d'),
     'description'),
    ('description too long', servers.create_v219,
     body(description='d' * 256), 'description'),
    ('networks auto before 2.37', servers.create_v233,
     body(networks='auto'), 'networks'),
    ('networks required 2.37', servers.create_v237, body(), 'networks'),
    ('network uuid not uuid 2.37', servers.create_v237,
     body(networks=[{'uuid': 'net1'}]), 'networks'),
    ('networks other word 2.37', servers.create_v237,
     body(networks='some'), 'networks'),
    ('net tag before 2.32', servers.create_v219,
     body(networks=[{'uuid': NET, 'tag': 't'}]), 'tag'),
    ('net tag at 2.37', servers.create_v237,
     body(networks=[{'uuid': NET, 'tag': 't'}]), 'networks'),
    ('tag with slash 2.42', servers.create_v242,
     body(networks=[{'uuid': NET, 'tag': 'a/b'}]), 'networks'),
    ('bad hint group', servers.create,
     dict(body(), **{'os:scheduler_hints': {'group': 'g'}}), 'group'),
    ('security group extra', servers.create,
     body(security_groups=[{'name': 'x', 'id': 1}]), "'id' was unexpected"),
]


@pytest.mark.parametrize('name, schema, request_body, field', INVALID_CREATE,
                         ids=[v[0] for v in INVALID_CREATE])
def test_invalid_create(name, schema, request_body, field):
    assert field in error(schema, request_body)


# ---- servers: update and list queries --------------------------------------

@pytest.mark.parametrize('schema, request_body, valid', [
    (servers.update, {'server': {'name': 'new'}}, True),
    (servers.update, {'server': {}}, True),
    (servers.update, {'server': {'accessIPv4': '4.3.2.1'}}, True),
    (servers.update, {'server': {'description': 'd'}}, False),
    (servers.update_v219, {'server': {'description': None}}, True),
    (servers.update, {'server': {'name': ''}}, False),
    (servers.update, {'server': {'flavorRef': '1'}}, False),
    (servers.update, {}, False),
])
def test_update(schema, request_body, valid):
    if valid:
        check(schema, request_body)
    else:
        error(schema, request_body)


@pytest.mark.parametrize('schema, query, valid', [
    (servers.index_query, {'name': ['vm.*'], 'limit': ['5']}, True),
    (servers.index_query, {'unknown': ['kept by schema']}, True),
    (servers.index_query, {'limit': ['-1']}, False),
    (servers.index_query, {'limit': ['x']}, False),
    (servers.index_query, {'changes-since': ['2016-01-01T00:00:00Z']},
     True),
    (servers.index_query, {'changes-since': ['yesterday']}, False),
    (servers.index_query, {'sort_key': ['display_name']}, True),
    (servers.index_query, {'sort_key': ['colour']}, False),
    (servers.index_query, {'name': ['(']}, False),
    (servers.index_query, {'tags': ['a']}, True),
    (servers.index_query_v226, {'tags': ['a,b']}, True),
])
def test_servers_query(schema, query, valid):
    if valid:
        check(schema, query, is_body=False)
    else:
        error(schema, query, is_body=False)


# ---- flavors, flavor manage, extra specs -----------------------------------

@pytest.mark.parametrize('query, valid', [
    ({'minRam': ['512'], 'minDisk': ['1'], 'is_public': ['none']}, True),
    ({'sort_key': ['memory_mb'], 'sort_dir': ['desc']}, True),
    ({'sort_key': ['colour']}, False),
    ({'sort_dir': ['sideways']}, False),
    ({'limit': ['0']}, True),
    ({'limit': ['-5']}, False),
])
def test_flavors_query(query, valid):
    if valid:
        check(flavors.index_query, query, is_body=False)
    else:
        error(flavors.index_query, query, is_body=False)


FLAVOR = {'name': 'test', 'ram': 1024, 'vcpus': 2, 'disk': 10}


@pytest.mark.parametrize('changes, valid', [
    ({}, True),
    ({'id': '10', 'rxtx_factor': 2.0, 'swap': 0,
      'OS-FLV-EXT-DATA:ephemeral': 5, 'os-flavor-access:is_public': False},
     True),
    ({'id': 10}, True),
    ({'id': None}, True),
    ({'ram': '1024'}, True),
    ({'ram': 0}, False),
    ({'vcpus': -1}, False),
    ({'disk': -1}, False),
    ({'ram': 2 ** 31}, False),
    ({'rxtx_factor': 0}, False),
    ({'rxtx_factor': 'fast'}, False),
    ({'id': ' spaced'}, False),
    ({'id': 'a/b'}, False),
    ({'name': ''}, False),
    ({'description': 'd'}, False),
])
def test_flavor_create(changes, valid):
    flavor = dict(FLAVOR, **changes)
    if valid:
        check(flavor_manage.create, {'flavor': flavor})
    else:
        error(flavor_manage.create, {'flavor': flavor})


@pytest.mark.parametrize('missing', ['name', 'ram', 'vcpus', 'disk'])
def test_flavor_create_required(missing):
    flavor = dict(FLAVOR)
    del flavor[missing]
    assert "'%s' is a required property" % missing in error(
        flavor_manage.create, {'flavor': flavor})


@pytest.mark.parametrize('schema, request_body, valid', [
    (flavors_extraspecs.create, {'extra_specs': {'hw:numa_nodes': '1'}},
     True),
    (flavors_extraspecs.create, {'extra_specs': {'hw:numa_nodes': 1}}, True),
    (flavors_extraspecs.create, {'extra_specs': {'k': True}}, False),
    (flavors_extraspecs.create, {'extra_specs': {'bad/key': 'v'}}, False),
    (flavors_extraspecs.create, {'extra_specs': {'k': 'v' * 256}}, False),
    (flavors_extraspecs.create, {}, False),
    (flavors_extraspecs.update, {'hw:numa_nodes': '2'}, True),
    (flavors_extraspecs.update, {}, False),
    (flavors_extraspecs.update, {'a': '1', 'b': '2'}, False),
])
def test_extra_specs(schema, request_body, valid):
    if valid:
        check(schema, request_body)
    else:
        error(schema, request_body)


# ---- keypairs --------------------------------------------------------------

@pytest.mark.parametrize('schema, keypair, valid', [
    (keypairs.create, {'name': 'kp'}, True),
    (keypairs.create, {'name': 'kp', 'public_key': 'ssh-rsa AAA'}, True),
    (keypairs.create, {'name': 'kp', 'type': 'ssh'}, False),
    (keypairs.create_v22, {'name': 'kp', 'type': 'x509'}, True),
    (keypairs.create_v22, {'name': 'kp', 'type': 'rsa'}, False),
    (keypairs.create_v22, {'name': 'kp', 'user_id': 'u'}, False),
    (keypairs.create_v210, {'name': 'kp', 'user_id': 'u'}, True),
    (keypairs.create_v210, {'public_key': 'k'}, False),
    (keypairs.create_v210, {'name': ''}, False),
])
def test_keypair_create(schema, keypair, valid):
    if valid:
        check(schema, {'keypair': keypair})
    else:
        error(schema, {'keypair': keypair})


def test_every_schema_object_states_additional_properties():
    """STYLE.md: every object in a schema says what else it allows."""
    modules = (servers, flavors, flavor_manage, flavors_extraspecs,
               keypairs)
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get('type') == 'object' or (
                    isinstance(node.get('type'), list) and
                    'object' in node['type'] and 'properties' in node):
                if 'additionalProperties' not in node:
                    missing.append(where)
            for key, value in node.items():
                walk(value, '%s.%s' % (where, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, '%s[%d]' % (where, index))

    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, dict) and not name.startswith('_'):
                walk(value, '%s.%s' % (module.__name__, name))
    assert not missing
