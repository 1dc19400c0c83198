"""A walk over the route table: every routed method declares its errors,
has a request schema when it takes a body and a query schema when it
lists, and its microversion ranges neither overlap nor leave gaps."""

import pytest

from nova_lite.api.openstack import api_version_request as avr
from nova_lite.api.openstack.compute import routes

MIN = avr.APIVersionRequest(avr.MIN_VERSION)
MAX = avr.APIVersionRequest(avr.MAX_VERSION)
LIST_ACTIONS = ('index', 'detail')


def _routed_methods():
    """(route id, http method, function) for every routed method."""
    for path, methods in routes.ROUTE_LIST:
        for http_method, (spec, action) in sorted(methods.items()):
            classes = spec if isinstance(spec, tuple) else (spec,)
            if action == 'action':
                for controller_cls in classes:
                    for name, attr in sorted(
                            controller_cls.wsgi_actions.items()):
                        yield ('%s %s [%s]' % (http_method, path, name),
                               http_method, getattr(controller_cls, attr))
            else:
                yield ('%s %s' % (http_method, path), http_method,
                       getattr(classes[0], action))


ROUTED = list(_routed_methods())


def _variants(func):
    """[(start, end, function)] of a method; end None = still current."""
    versioned = getattr(func, 'versioned_methods', None)
    if versioned is None:
        return [(MIN, None, func)]
    return sorted(((v.start_version, None if v.end_version.is_null()
                    else v.end_version, v.func) for v in versioned),
                  key=lambda v: v[0])


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


@pytest.mark.parametrize('route, http_method, func', ROUTED,
                         ids=[r[0] for r in ROUTED])
def test_versions_have_no_gaps_or_overlaps(route, http_method, func):
    variants = _variants(func)
    problems = _check_contiguous([(s, e) for s, e, _ in variants],
                                 variants[0][0], None, route)
    assert not problems


@pytest.mark.parametrize('route, http_method, func', ROUTED,
                         ids=[r[0] for r in ROUTED])
def test_errors_are_declared(route, http_method, func):
    for start, _end, variant in _variants(func):
        assert hasattr(variant, 'wsgi_expected_errors'), (
            '%s (from %s) lacks @wsgi.expected_errors' % (
                route, start.get_string()))


@pytest.mark.parametrize('route, http_method, func', ROUTED,
                         ids=[r[0] for r in ROUTED])
def test_body_methods_have_request_schemas(route, http_method, func):
    if http_method not in ('POST', 'PUT'):
        return
    for start, end, variant in _variants(func):
        schemas = getattr(variant, 'request_body_schemas', None)
        assert schemas, '%s lacks @validation.schema' % route
        problems = _check_contiguous([(low, high) for _s, low, high
                                      in schemas], start, end, route)
        assert not problems


@pytest.mark.parametrize('route, http_method, func', ROUTED,
                         ids=[r[0] for r in ROUTED])
def test_list_methods_have_query_schemas(route, http_method, func):
    must = func.__name__ in LIST_ACTIONS
    for start, end, variant in _variants(func):
        schemas = getattr(variant, 'query_schemas', None)
        if must:
            assert schemas, '%s lacks @validation.query_schema' % route
        if schemas:
            problems = _check_contiguous([(low, high) for _s, low, high
                                          in schemas], start, end, route)
            assert not problems


def test_walk_sees_every_controller_method():
    names = {route for route, _m, _f in ROUTED}
    assert 'POST /servers' in names
    assert 'GET /os-keypairs/{id}' in names
    assert 'POST /servers/{id}/action [os-getConsoleOutput]' in names
    assert 'POST /servers/{id}/action [reboot]' in names
    assert len(ROUTED) >= 20


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
