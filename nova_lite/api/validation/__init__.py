"""Request validation decorators: a schema per microversion range.

``@validation.schema(body_schema, '2.19', '2.36')`` validates the body of
requests whose microversion lies in the range; ``@validation.query_schema``
does the same for the query string and, where the schema allows unknown
parameters, drops them before the controller sees them. Stacked decorators
cover successive ranges. ``@validation.response_body_schema`` describes
what the method answers; it is checked as ``[api] response_validation``
says (the tests make a mismatch an error). Each records its schema on the
method (``request_body_schemas``, ``query_schemas``,
``response_body_schemas``) so a test can check that every route has one
for every version.
"""

import functools
import re

import jsonschema
from oslo_log import log as logging

from nova_lite.api.openstack import api_version_request as api_version
from nova_lite.api.validation import validators
from nova_lite import conf
from nova_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def _version_range(min_version, max_version):
    return (api_version.APIVersionRequest(min_version),
            api_version.APIVersionRequest(max_version))


def _request_of(args, kwargs):
    # NOTE: controller methods are called as method(self, req, ...).
    return kwargs['req'] if 'req' in kwargs else args[1]


def _applies(req, min_ver, max_ver):
    """Whether the request's microversion lies in [min_ver, max_ver].

    The version documents are served before any microversion is
    negotiated (a null version): their one schema always applies.
    """
    version = req.api_version_request
    return version.is_null() or version.matches(min_ver, max_ver)


def schema(request_body_schema, min_version=None, max_version=None):
    """Validate the request body against ``request_body_schema``."""
    validator = validators.SchemaValidator(request_body_schema, is_body=True)
    min_ver, max_ver = _version_range(min_version, max_version)

    def add_validator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            req = _request_of(args, kwargs)
            if _applies(req, min_ver, max_ver):
                validator.validate(kwargs.get('body'))
            return func(*args, **kwargs)

        wrapper.request_body_schemas = list(
            getattr(func, 'request_body_schemas', [])) + [
                (request_body_schema, min_ver, max_ver)]
        return wrapper
    return add_validator


def _strip_additional_query_parameters(schema, req):
    """Drop query parameters the schema neither names nor patterns."""
    if not schema.get('additionalProperties', True):
        return
    patterns = [re.compile(regex)
                for regex in schema.get('patternProperties', {})]
    for param in set(req.GET.keys()):
        if param in schema['properties']:
            continue
        if any(pattern.match(param) for pattern in patterns):
            continue
        del req.GET[param]


def query_schema(query_params_schema, min_version=None, max_version=None):
    """Validate the query string against ``query_params_schema``.

    Query values are validated as lists (a parameter may repeat).
    """
    validator = validators.SchemaValidator(query_params_schema,
                                           is_body=False)
    min_ver, max_ver = _version_range(min_version, max_version)

    def add_validator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            req = _request_of(args, kwargs)
            if _applies(req, min_ver, max_ver):
                validator.validate(req.GET.dict_of_lists())
                _strip_additional_query_parameters(query_params_schema, req)
            return func(*args, **kwargs)

        wrapper.query_schemas = list(
            getattr(func, 'query_schemas', [])) + [
                (query_params_schema, min_ver, max_ver)]
        return wrapper
    return add_validator


def _response_body(result):
    # NOTE: a controller answers with a dict, a ResponseObject (``obj``)
    # or None (an empty body, e.g. 202/204).
    return getattr(result, 'obj', result)


def response_body_schema(response_schema, min_version=None,
                         max_version=None):
    """Describe (and, as configured, check) the response body.

    ``[api] response_validation``: ``error`` turns a mismatch into a 500
    (what the tests run with, so a schema that lies fails them), ``warn``
    logs it, ``ignore`` skips the check.
    """
    jsonschema.Draft4Validator.check_schema(response_schema)
    validator = jsonschema.Draft4Validator(response_schema)
    min_ver, max_ver = _version_range(min_version, max_version)

    def add_validator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            result = func(*args, **kwargs)
            mode = CONF.api.response_validation
            if mode == 'ignore':
                return result
            req = _request_of(args, kwargs)
            if not _applies(req, min_ver, max_ver):
                return result
            try:
                validator.validate(_response_body(result))
            except jsonschema.ValidationError as exc:
                if mode == 'error':
                    raise exception.ResponseValidationError(
                        method=func.__qualname__, detail=exc.message)
                LOG.warning('Response of %s does not match its schema: %s',
                            func.__qualname__, exc.message)
            return result

        wrapper.response_body_schemas = list(
            getattr(func, 'response_body_schemas', [])) + [
                (response_schema, min_ver, max_ver)]
        return wrapper
    return add_validator
