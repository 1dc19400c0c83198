"""A walk over the route table: every routed method (each server action,
each microversion variant) declares its errors, describes its response
body, has a request schema when it takes a body and a query schema when
it answers GET, and its microversion ranges neither overlap nor leave
gaps; every object in those schemas states ``additionalProperties``.

Each check gathers every offending method and fails with one line per
method, so that one run lists all that is left to do.
"""

import inspect

from nova_lite.api.openstack import api_version_request as avr
from nova_lite.api.openstack.compute import routes

MIN = avr.APIVersionRequest(avr.MIN_VERSION)


def _owner(controller_cls, attr):
    return '%s.%s.%s' % (controller_cls.__module__.rsplit('.', 1)[-1],
                         controller_cls.__name__, attr)


def _routed_methods():
    """(route id, http method, function, owner) for every routed method."""
    for path, methods in routes.ROUTE_LIST:
        for http_method, (spec, action) in sorted(methods.items()):
            classes = spec if isinstance(spec, tuple) else (spec,)
            if action == 'action':
                for controller_cls in classes:
                    for name, attr in sorted(
                            controller_cls.wsgi_actions.items()):
                        yield ('%s %s [%s]' % (http_method, path, name),
                               http_method, getattr(controller_cls, attr),
                               _owner(controller_cls, attr))
            else:
                yield ('%s %s' % (http_method, path), http_method,
                       getattr(classes[0], action),
                       _owner(classes[0], action))


ROUTED = list(_routed_methods())


def _variants(func):
    """[(start, end, function)] of a method; end None = still current."""
    versioned = getattr(func, 'versioned_methods', None)
    if versioned is None:
        return [(MIN, None, func)]
    return sorted(((v.start_version, None if v.end_version.is_null()
                    else v.end_version, v.func) for v in versioned),
                  key=lambda v: v[0])


def _each_variant():
    """(label, http method, start, end, function) of every variant."""
    for route, http_method, func, owner in ROUTED:
        for start, end, variant in _variants(func):
            label = '%s (%s, %s-%s)' % (
                route, owner, start.get_string(),
                '' if end is None else end.get_string())
            yield label, http_method, start, end, variant


def _next(version):
    return avr.APIVersionRequest('%d.%d' % (version.ver_major,
                                            version.ver_minor + 1))


def _clamp(ranges, start, end):
    """``ranges`` cut to [start, end]; those outside it dropped."""
    clamped = []
    for low, high in ranges:
        low = MIN if low.is_null() else low
        high = None if high is None or high.is_null() else high
        if end is not None and low > end:
            continue
        if high is not None and high < start:
            continue
        low = max(low, start)
        if end is not None:
            high = end if high is None else min(high, end)
        clamped.append((low, high))
    return sorted(clamped, key=lambda r: r[0])


def _check_contiguous(ranges, start, end, what):
    """``ranges`` ([(min, max)], None = open) tile [start, end] exactly."""
    problems = []
    ranges = _clamp(ranges, start, end)
    expected = start
    for low, high in ranges:
        if low > expected:
            problems.append('%s: gap before %s' % (what, low.get_string()))
        if low < expected:
            problems.append('%s: overlap at %s' % (what, low.get_string()))
        if high is None:
            expected = None
            break
        expected = _next(high)
    if expected is not None and (end is None or expected <= end):
        problems.append('%s: not covered from %s' % (
            what, expected.get_string()))
    return problems


def _schema_problems(label, start, end, variant, attr, decorator):
    """What is wrong with the ``attr`` schemas of one variant."""
    schemas = getattr(variant, attr, None)
    if not schemas:
        return ['%s: no %s' % (label, decorator)]
    return _check_contiguous([(low, high) for _s, low, high in schemas],
                             start, end, '%s: %s' % (label, decorator))


def _takes_body(variant):
    return 'body' in inspect.signature(variant).parameters


def _report(problems):
    return '%d problem(s):\n%s' % (len(problems), '\n'.join(problems))


def test_versions_have_no_gaps_or_overlaps():
    problems = []
    for route, _m, func, owner in ROUTED:
        variants = _variants(func)
        problems += _check_contiguous([(s, e) for s, e, _ in variants],
                                      variants[0][0], None,
                                      '%s (%s)' % (route, owner))
    assert not problems, _report(problems)


def test_errors_are_declared():
    problems = ['%s: no @wsgi.expected_errors' % label
                for label, _m, _s, _e, variant in _each_variant()
                if not hasattr(variant, 'wsgi_expected_errors')]
    assert not problems, _report(problems)


def test_body_methods_have_request_schemas():
    problems = []
    for label, http_method, start, end, variant in _each_variant():
        if http_method in ('POST', 'PUT') or _takes_body(variant):
            problems += _schema_problems(label, start, end, variant,
                                         'request_body_schemas',
                                         '@validation.schema')
    assert not problems, _report(problems)


def test_get_methods_have_query_schemas():
    problems = []
    for label, http_method, start, end, variant in _each_variant():
        if http_method == 'GET':
            problems += _schema_problems(label, start, end, variant,
                                         'query_schemas',
                                         '@validation.query_schema')
    assert not problems, _report(problems)


def test_every_method_has_response_schemas():
    problems = []
    for label, _m, start, end, variant in _each_variant():
        problems += _schema_problems(label, start, end, variant,
                                     'response_body_schemas',
                                     '@validation.response_body_schema')
    assert not problems, _report(problems)


# Keywords whose value maps names to schemas (the map is no schema).
_SCHEMA_MAPS = ('properties', 'patternProperties', 'definitions',
                'dependencies')
# Keywords whose value is a schema or a list of schemas.
_SUBSCHEMAS = ('items', 'additionalItems', 'additionalProperties', 'not',
               'allOf', 'anyOf', 'oneOf')


def _objects_without_additional_properties(schema, where='#'):
    """JSON pointers of the objects in ``schema`` that leave
    ``additionalProperties`` unsaid."""
    if not isinstance(schema, dict):
        return []
    found = []
    types = schema.get('type')
    types = types if isinstance(types, list) else [types]
    if (('object' in types or 'properties' in schema) and
            'additionalProperties' not in schema):
        found.append(where)
    for keyword in _SCHEMA_MAPS:
        for name, value in sorted(schema.get(keyword, {}).items()):
            found += _objects_without_additional_properties(
                value, '%s/%s/%s' % (where, keyword, name))
    for keyword in _SUBSCHEMAS:
        value = schema.get(keyword)
        if isinstance(value, list):
            for index, item in enumerate(value):
                found += _objects_without_additional_properties(
                    item, '%s/%s/%d' % (where, keyword, index))
        else:
            found += _objects_without_additional_properties(
                value, '%s/%s' % (where, keyword))
    return found


def test_every_object_states_additional_properties():
    unsaid = {}
    for label, _m, _s, _e, variant in _each_variant():
        for attr in ('request_body_schemas', 'query_schemas',
                     'response_body_schemas'):
            for schema, low, _high in getattr(variant, attr, ()):
                for where in _objects_without_additional_properties(
                        schema):
                    unsaid.setdefault((label, attr, where), []).append(
                        low)
    # NOTE: one line per place, with the ranges whose schema has it.
    problems = []
    for (label, attr, where), lows in sorted(unsaid.items()):
        starts = ', '.join(low.get_string() for low in sorted(lows))
        problems.append('%s: %s (from %s): %s states no '
                        'additionalProperties' % (label, attr, starts,
                                                  where))
    assert not problems, _report(problems)


def test_walk_sees_every_controller_method():
    names = {route for route, _m, _f, _o in ROUTED}
    assert 'POST /servers' in names
    assert 'GET /os-keypairs/{id}' in names
    assert 'POST /servers/{id}/action [os-getConsoleOutput]' in names
    assert 'POST /servers/{id}/action [reboot]' in names
    assert 'POST /servers/{id}/action [pause]' in names
    assert len(ROUTED) >= 20


def test_walk_sees_every_variant():
    labels = [label for label, _m, _s, _e, _f in _each_variant()]
    assert any(label.startswith('GET /os-networks (') and
               label.endswith(', 2.1-2.35)') for label in labels)
    assert any(label.startswith('GET /os-networks (') and
               label.endswith(', 2.36-)') for label in labels)


def test_checker_finds_gaps_and_overlaps():
    v = avr.APIVersionRequest
    assert _check_contiguous([(v('2.1'), v('2.3')), (v('2.5'), None)],
                             v('2.1'), None, 'x') == ['x: gap before 2.5']
    assert _check_contiguous([(v('2.1'), v('2.5')), (v('2.5'), None)],
                             v('2.1'), None, 'x') == ['x: overlap at 2.5']
    assert _check_contiguous([(v('2.1'), v('2.5'))], v('2.1'), None,
                             'x') == ['x: not covered from 2.6']
    assert _check_contiguous([(v('2.1'), v('2.5'))], v('2.1'), v('2.5'),
                             'x') == []


def test_missing_schema_is_reported():
    def method(self, req):
        pass

    assert _schema_problems('GET /x', MIN, None, method,
                            'response_body_schemas', 'respond') == [
                                'GET /x: no respond']


def test_unstated_additional_properties_are_found():
    schema = {
        'type': 'object',
        'properties': {
            'a': {'type': ['object', 'null'], 'properties': {}},
            'b': {'type': 'array', 'items': {'type': 'object',
                                             'additionalProperties': False}},
            'c': {'oneOf': [{'type': 'null'}, {'type': 'object'}]},
            # A field named "properties" is no schema keyword.
            'properties': {'type': 'string'},
        },
        'additionalProperties': False,
    }
    assert _objects_without_additional_properties(schema) == [
        '#/properties/a', '#/properties/c/oneOf/1']


def test_body_is_seen_through_decorators():
    from nova_lite.api.openstack.compute import servers
    assert _takes_body(servers.ServersController.create)
    assert not _takes_body(servers.ServersController.delete)
