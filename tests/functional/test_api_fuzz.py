"""A fuzz of every route of the Compute API, with a fixed seed: no answer is
a 5xx, and every 4xx is Nova's fault body
(``{"<faultName>": {"code": N, "message": "..."}}``).

The route table says what exists; each method's JSON schemas (the request
schema of the negotiated microversion, the query schema) say what is
valid. Each request starts from a valid-looking body or query made from
them, a real id or a mangled one in the path, a random microversion and
user (a member or an admin), and is then, often, broken in one place:
wrong types, bounds, nesting deep enough to exhaust a parser, text no
database stores (a lone surrogate, a NUL), bytes that are not UTF-8 in
the path or the query, bodies over the size limit, bodies that are not
JSON at all.

NOTE: its own nova-lite-all (admins delete and disable things), run with
response validation as every test cloud is, so a response that breaks its
schema is a 500 here too.
"""

import json
import os
import random
import string
import uuid

import pytest
import requests

from nova_lite.api.openstack import api_version_request as avr
from nova_lite.api.openstack.compute import routes
from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

# NOTE: fixed, so a failure repeats; NOVA_LITE_FUZZ_SEED explores others.
SEED = int(os.environ.get('NOVA_LITE_FUZZ_SEED', '20261212'))
REQUESTS = 2000
MAX_MINOR = int(avr.MAX_VERSION.split('.')[1])
MEMBER = 'demo:demo'
ADMIN = 'admin:admin'

# NOTE: pieces of a path or query that are not what a route expects:
# bytes that are not UTF-8 (an escaped surrogate too), a NUL, escaped
# separators, numbers and names far out of range.
JUNK_SEGMENTS = ('%ff', '%00', 'a%20b', '%2e%2e', '..', '-1', '0',
                 '9' * 40, 'x' * 300, '%E2%98%83', '%ed%a0%80', "'", '%22',
                 '%5C', 'null', '%2F', 'a%0Ab', '%C3%28', '%3F%23')
JUNK_QUERY_VALUES = ('%ff', '%00', '-1', '0', '99999999999999999999', '',
                     'x' * 500, '%ed%a0%80', 'true', 'None', '%25', '[]',
                     '2026-13-45T99:99:99Z', '%E2%98%83', 'a+b', '\\d(')


def _junk_values(rng):
    """Values that break a field: wrong types, bounds, hostile text."""
    return [
        None, True, -1, 0, 2 ** 31, 10 ** 30, -10 ** 30, 1.5, '', ' ',
        'x' * 256, 'x' * 70000, '\ud800', 'a\udfffb', 'a\x00b', '\x00',
        '1.2.3.4\x00', '::1\x00', 'снег ☃ 🙂', '../../etc/passwd',
        "' OR 1=1 --", '%s%s%n', [], [None], {}, {'': ''},
        {'k' * 300: 'v'}, _nested(40), _nested(900), _nested(5000),
        [rng.random()] * 3, 'not-a-uuid', str(uuid.UUID(int=0)),
    ]


def _nested(depth):
    """A stand-in for JSON nested ``depth`` deep; :func:`_dumps` writes it
    out (Python's own encoder would exhaust this process's stack)."""
    return 'FUZZ-NESTED-%d' % depth


def _dumps(value):
    text = json.dumps(value)
    while '"FUZZ-NESTED-' in text:
        start = text.index('"FUZZ-NESTED-')
        end = text.index('"', start + 1) + 1
        depth = int(text[start + len('"FUZZ-NESTED-'):end - 1])
        deep = '{"k": ' * (depth // 2) + '[' * (depth - depth // 2)
        deep += '"leaf"' + ']' * (depth - depth // 2) + '}' * (depth // 2)
        text = text[:start] + deep + text[end:]
    return text


# ---- valid-looking values from a JSON schema --------------------------------

def _from_pattern(pattern):
    if '0-9' in pattern and 'a-z' not in pattern:
        return '1'
    return 'host-a'


def _string(schema, rng):
    fmt = schema.get('format')
    if fmt == 'uuid':
        return str(uuid.uuid4())
    if fmt == 'ipv4':
        return '192.0.2.%d' % rng.randint(1, 254)
    if fmt == 'ipv6':
        return '2001:db8::%x' % rng.randint(1, 0xffff)
    if fmt == 'date-time':
        return '2026-12-01T10:00:00Z'
    if fmt == 'base64':
        return 'aGVsbG8='
    if fmt == 'uri':
        return 'http://example.com/%s' % client_mod.TEST_IMAGE
    if fmt == 'regex':
        return 'fuzz.*'
    if 'pattern' in schema:
        return _from_pattern(schema['pattern'])
    low = schema.get('minLength', 1)
    high = min(schema.get('maxLength', 12), 12)
    return ''.join(rng.choice(string.ascii_lowercase)
                   for _ in range(max(low, min(high, rng.randint(1, 12)))))


def _number(schema, rng, kind):
    low = schema.get('minimum', 0)
    high = schema.get('maximum', low + 16)
    try:
        low, high = int(low), int(high)
    except (TypeError, ValueError):
        low, high = 0, 16
    value = rng.randint(low, min(high, low + 16))
    return float(value) if kind == 'number' else value


def _value(schema, rng, depth=0):
    """A value ``schema`` (most of the time) accepts."""
    if not isinstance(schema, dict) or depth > 8:
        return 'x'
    if 'enum' in schema:
        return rng.choice(schema['enum'])
    for key in ('oneOf', 'anyOf'):
        if key in schema:
            return _value(rng.choice(schema[key]), rng, depth + 1)
    if 'allOf' in schema:
        return _value(schema['allOf'][0], rng, depth + 1)
    kind = schema.get('type', 'object' if 'properties' in schema
                      else 'string')
    if isinstance(kind, list):
        kind = rng.choice(kind)
    if kind == 'object':
        result = {}
        properties = schema.get('properties', {})
        required = set(schema.get('required', ()))
        for name, sub in properties.items():
            if name in required or rng.random() < 0.4:
                result[name] = _value(sub, rng, depth + 1)
        patterns = schema.get('patternProperties', {})
        if patterns and rng.random() < 0.5:
            result['fuzz_%d' % rng.randint(0, 9)] = _value(
                next(iter(patterns.values())), rng, depth + 1)
        return result
    if kind == 'array':
        items = schema.get('items', {'type': 'string'})
        count = max(schema.get('minItems', 0), rng.randint(0, 2))
        count = min(count, schema.get('maxItems', count))
        if isinstance(items, list):
            return [_value(item, rng, depth + 1) for item in items]
        return [_value(items, rng, depth + 1) for _ in range(count)]
    if kind in ('integer', 'number'):
        return _number(schema, rng, kind)
    if kind == 'boolean':
        return rng.choice([True, False])
    if kind == 'null':
        return None
    return _string(schema, rng)


def _mutate(value, rng):
    """``value`` with one place (the whole, a field, an item) broken."""
    if not isinstance(value, (dict, list)) or not value or rng.random() < 0.15:
        return rng.choice(_junk_values(rng))
    if isinstance(value, dict):
        key = rng.choice(list(value))
        if rng.random() < 0.1:
            value = dict(value)
            value[rng.choice(['bogus', '\ud800', 'a\x00', 'x' * 300])] = 1
            return value
        value = dict(value)
        value[key] = _mutate(value[key], rng)
        return value
    index = rng.randrange(len(value))
    value = list(value)
    value[index] = _mutate(value[index], rng)
    return value


# ---- the routes and their schemas ------------------------------------------

def _variants(func):
    versioned = getattr(func, 'versioned_methods', None)
    if versioned is None:
        return [(None, None, func)]
    return [(v.start_version, v.end_version, v.func) for v in versioned]


def _schemas(func, attribute, version):
    """The schemas of ``func`` (and its variants) that apply at
    ``version``; all of them when none does."""
    found, every = [], []
    for start, end, variant in _variants(func):
        for schema, low, high in getattr(variant, attribute, ()):
            every.append(schema)
            if (start is None or version.matches(start, end)) and \
                    version.matches(low, high):
                found.append(schema)
    return found or every


def _operations():
    """(method, path template, action name or None, function)."""
    ops = []
    for path, methods in routes.ROUTE_LIST:
        for method, (spec, action) in sorted(methods.items()):
            classes = spec if isinstance(spec, tuple) else (spec,)
            if action == 'action':
                for cls in classes:
                    for name, attr in sorted(cls.wsgi_actions.items()):
                        ops.append((method, path, name, getattr(cls, attr)))
            else:
                ops.append((method, path, None, getattr(classes[0], action)))
    return ops


OPERATIONS = _operations()


# ---- the cloud and the ids it holds ----------------------------------------

@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'api-fuzz'))) as cloud:
        yield cloud


@pytest.fixture(scope='module')
def known(cloud):
    """Real ids per path segment that precedes a placeholder."""
    admin = cloud.admin
    server = cloud.client.create_server('fuzz-target')['server']['id']
    cloud.client.wait_for_status(server, 'ACTIVE')
    cloud.client.request('PUT', '/servers/%s/metadata/k1' % server,
                         json={'meta': {'k1': 'v1'}}, expected=200)
    cloud.client.post('/os-keypairs', json={'keypair': {
        'name': 'fuzz-key'}}, expected=(200, 201))
    aggregate = admin.post('/os-aggregates', json={'aggregate': {
        'name': 'fuzz-agg'}}, expected=200).json()['aggregate']['id']
    group = cloud.client.post('/os-server-groups', json={'server_group': {
        'name': 'fuzz-group', 'policies': ['affinity']}},
        expected=200).json()['server_group']['id']
    hypervisors = [str(h['id']) for h in admin.get(
        '/os-hypervisors', expected=200).json()['hypervisors']]
    services = [str(s['id']) for s in admin.get(
        '/os-services', expected=200).json()['services']]
    actions = [a['request_id'] for a in cloud.client.get(
        '/servers/%s/os-instance-actions' % server,
        expected=200).json()['instanceActions']]
    return {
        'servers': [server],
        'flavors': ['1', '2', '42'],
        'images': [client_mod.TEST_IMAGE],
        'metadata': ['k1', 'nokey'],
        'os-extra_specs': ['hw:cpu_policy', 'k'],
        'os-aggregates': [str(aggregate)],
        'os-hypervisors': hypervisors + ['host-a'],
        'os-keypairs': ['fuzz-key'],
        'os-networks': [str(uuid.uuid4())],
        'os-quota-sets': ['demo', 'other-project'],
        'os-server-groups': [group],
        'os-services': services,
        'os-simple-tenant-usage': ['demo'],
        'tags': ['t1'],
        'ips': ['private', 'public'],
        'migrations': ['1'],
        'os-instance-actions': actions,
    }


# NOTE: what a DELETE or an admin's PUT on these would take away from the
# rest of the run (its one server, flavor, image, compute service); the
# fuzz reaches them with other ids instead.
PRECIOUS_SEGMENTS = ('servers', 'flavors', 'images', 'os-services')


def _fill(path, method, known, rng):
    segments = path.strip('/').split('/')
    filled = []
    for index, segment in enumerate(segments):
        if not segment.startswith('{'):
            filled.append(segment)
            continue
        before = segments[index - 1] if index else ''
        real = list(known.get(before, []))
        last = index == len(segments) - 1
        if (method in ('DELETE', 'PUT') and last and
                before in PRECIOUS_SEGMENTS):
            real = []
        roll = rng.random()
        if real and roll < 0.7:
            filled.append(rng.choice(real))
        elif roll < 0.85:
            filled.append(str(uuid.uuid4()))
        else:
            filled.append(rng.choice(JUNK_SEGMENTS))
    return '/' + '/'.join(filled)


def _query(schemas, rng):
    if schemas and rng.random() < 0.7:
        params = _value(rng.choice(schemas), rng)
        pairs = []
        for name, values in params.items():
            for value in (values if isinstance(values, list) else [values]):
                pairs.append((name, str(value)))
        text = '&'.join('%s=%s' % (requests.utils.quote(k, safe=''),
                                   requests.utils.quote(v, safe=''))
                        for k, v in pairs)
    else:
        text = ''
    if rng.random() < 0.35:
        junk = '%s=%s' % (rng.choice(['limit', 'marker', 'name', 'sort_key',
                                      'changes-since', 'all_tenants',
                                      'bogus', '%ff', 'status', 'host']),
                          rng.choice(JUNK_QUERY_VALUES))
        text = '&'.join(filter(None, [text, junk]))
    return text


def _body(method, action, func, version, rng):
    """``(bytes, content type)`` of a request body, or ``(None, None)``."""
    if method not in ('POST', 'PUT'):
        return None, None
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([b'{', b'', b'[1]', b'\xff\xfe', b'null',
                           b'{"a": NaN}', b'{"server": {"name": "\\ud800"}}',
                           b'[' * 100000, b'{"x": "' + b'y' * 120000 +
                           b'"}']), 'application/json'
    if roll < 0.07:
        return b'{}', rng.choice(['application/xml', 'text/plain', ''])
    schemas = _schemas(func, 'request_body_schemas', version)
    value = _value(rng.choice(schemas), rng) if schemas else {}
    if action and not schemas:
        value = {action: None}
    if rng.random() < 0.55:
        value = _mutate(value, rng)
    return _dumps(value).encode(), 'application/json'


def _version(func, rng):
    """A microversion to ask for: mostly one the method exists at."""
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.15:
        return rng.choice(['latest', '2.999', 'two', '3.0', '2.0'])
    low, high = 1, MAX_MINOR
    start, end, _ = rng.choice(_variants(func))
    if start is not None and roll < 0.8:
        low = start.ver_minor
        high = MAX_MINOR if end.is_null() else end.ver_minor
    return '2.%d' % rng.randint(low, high)


def _keep_a_server(cloud, known):
    """A server for the server routes to reach: a new one when the fuzz
    deleted the last (a forceDelete, a failed evacuation...)."""
    server_id = known['servers'][0]
    response = cloud.client.get('/servers/%s' % server_id,
                                expected=(200, 404))
    if response.status_code == 404:
        # NOTE: the fuzz may have left the project a quota of nothing.
        cloud.admin.delete('/os-quota-sets/%s' % cloud.client.project,
                           expected=202)
        known['servers'] = [
            cloud.client.create_server('fuzz-target')['server']['id']]


def _check(response):
    """What is wrong with an answer, or None."""
    status = response.status_code
    if status >= 500:
        return 'a %d' % status
    if status >= 400:
        try:
            client_mod.fault_of(response)
        except AssertionError as error:
            return 'not a Nova fault: %s' % error
    return None


def test_no_route_answers_5xx_and_every_4xx_is_a_fault(cloud, known):
    rng = random.Random(SEED)
    base = cloud.endpoint
    session = requests.Session()
    failures = []
    statuses = {}
    # NOTE: every operation as often as the others, in a random order.
    plan = OPERATIONS * (REQUESTS // len(OPERATIONS) + 1)
    rng.shuffle(plan)
    for count, operation in enumerate(plan[:REQUESTS]):
        if count % 100 == 0:
            _keep_a_server(cloud, known)
        method, template, action, func = operation
        version = _version(func, rng)
        negotiated = avr.APIVersionRequest(
            version if version and version[0] == '2' and
            version[2:].isdigit() and int(version[2:]) <= MAX_MINOR
            else '2.1')
        path = _fill(template, method, known, rng)
        query = _query(_schemas(func, 'query_schemas', negotiated), rng) \
            if method == 'GET' else ''
        body, content_type = _body(method, action, func, negotiated, rng)
        headers = {}
        if rng.random() > 0.03:
            headers['X-Auth-Token'] = rng.choice([MEMBER, ADMIN])
        if version:
            headers['OpenStack-API-Version'] = 'compute %s' % version
        if content_type is not None:
            headers['Content-Type'] = content_type
        url = base + path + ('?' + query if query else '')
        try:
            response = session.request(method, url, data=body,
                                       headers=headers, timeout=60)
        except requests.RequestException as error:
            failures.append('%s %s: %s' % (method, url[:200], error))
            session = requests.Session()
            continue
        statuses[response.status_code] = statuses.get(
            response.status_code, 0) + 1
        problem = _check(response)
        if problem:
            failures.append('%s %s (%s, body %r...): %s: %s' % (
                method, url[:200], version, (body or b'')[:120], problem,
                response.text[:300]))
    cloud.check_running()
    assert not failures, '%d of %d requests failed (statuses %s):\n%s' % (
        len(failures), REQUESTS, sorted(statuses.items()),
        '\n'.join(failures[:30]))
    # NOTE: a fuzz that never got past validation would prove little.
    assert sum(n for status, n in statuses.items() if status < 300) > \
        REQUESTS // 10, statuses
