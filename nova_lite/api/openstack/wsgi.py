"""The WSGI framework of the Compute API: resources, controllers, faults.

A ``Resource`` wraps one ``Controller``. For each routed request it checks
the body's media type, picks the controller method (or the server action
named by the body), picks the variant of that method for the negotiated
microversion, parses the JSON body, calls the method, and serializes what
it returns. Every error below 500 leaves as Nova's fault body
(``{"itemNotFound": {"code": 404, "message": ...}}``); anything else
propagates to the fault wrapper middleware, which logs it and answers 500.
"""

import functools

from oslo_log import log as logging
from oslo_serialization import jsonutils
import webob
import webob.dec
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite import exception
from nova_lite import http_input

LOG = logging.getLogger(__name__)

API_VERSION_REQUEST_HEADER = 'OpenStack-API-Version'
LEGACY_API_VERSION_REQUEST_HEADER = 'X-OpenStack-Nova-API-Version'
SERVICE_TYPE = 'compute'

# NOTE: where the middleware stack leaves what it learned about a request;
# controllers read the context from ENV_CONTEXT, as in Nova.
ENV_CONTEXT = 'nova.context'
ENV_API_VERSION = 'nova.api_version_request'

SUPPORTED_CONTENT_TYPES = (
    'application/json',
    'application/vnd.openstack.compute+json',
)

_METHODS_WITH_BODY = ('POST', 'PUT')


class Request(webob.Request):
    """A webob request that knows its microversion and body media type."""

    @property
    def api_version_request(self):
        """The negotiated microversion; null before negotiation."""
        return (self.environ.get(ENV_API_VERSION) or
                api_version_request.APIVersionRequest())

    @api_version_request.setter
    def api_version_request(self, value):
        self.environ[ENV_API_VERSION] = value

    def set_api_version_request(self):
        """Negotiate the microversion from the request headers.

        :raises: InvalidAPIVersionString (400) for a malformed version,
            InvalidGlobalAPIVersion (406) for one outside the API's range.
        """
        requested = requested_version(self.headers)
        if requested is None:
            version = api_version_request.APIVersionRequest(
                api_version_request.DEFAULT_VERSION)
        elif requested == 'latest':
            version = api_version_request.max_api_version()
        else:
            version = api_version_request.APIVersionRequest(requested)
            if not version.matches(api_version_request.min_api_version(),
                                   api_version_request.max_api_version()):
                raise exception.InvalidGlobalAPIVersion(
                    req_ver=version.get_string(),
                    min_ver=api_version_request.MIN_VERSION,
                    max_ver=api_version_request.MAX_VERSION)
        self.api_version_request = version

    def get_content_type(self):
        """The media type of the body, or None when none was stated.

        :raises: InvalidContentType for a type the API does not parse.
        """
        if 'Content-Type' not in self.headers:
            return None
        content_type = self.content_type
        # NOTE: some servers and clients send text/plain (or nothing) by
        # default; Nova reads those bodies as JSON too.
        if not content_type or content_type == 'text/plain':
            return None
        if content_type not in SUPPORTED_CONTENT_TYPES:
            raise exception.InvalidContentType(content_type=content_type)
        return content_type


def requested_version(headers):
    """The version string a request asks for, or None.

    ``OpenStack-API-Version`` wins over the legacy header; its value is a
    comma-separated list of ``<service type> <version>`` pairs, of which
    the ``compute`` one counts.
    """
    value = headers.get(API_VERSION_REQUEST_HEADER)
    if value:
        for item in value.split(','):
            parts = item.split()
            if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
                return parts[1]
    legacy = headers.get(LEGACY_API_VERSION_REQUEST_HEADER)
    if legacy:
        # NOTE: a folded repeated header ("2.3, 2.5") counts its last value.
        return legacy.split(',')[-1].strip()
    return None


def add_version_headers(response, version):
    """Echo the negotiated microversion on a response, as Nova does."""
    version_string = version.get_string()
    response.headers[API_VERSION_REQUEST_HEADER] = '%s %s' % (
        SERVICE_TYPE, version_string)
    response.headers[LEGACY_API_VERSION_REQUEST_HEADER] = version_string
    response.headers.add('Vary', API_VERSION_REQUEST_HEADER)
    response.headers.add('Vary', LEGACY_API_VERSION_REQUEST_HEADER)


# ---- faults ----------------------------------------------------------------

class Fault(webob.exc.HTTPException):
    """A webob HTTP error rendered as Nova's JSON fault body."""

    _fault_names = {
        400: 'badRequest',
        401: 'unauthorized',
        403: 'forbidden',
        404: 'itemNotFound',
        405: 'badMethod',
        409: 'conflictingRequest',
        413: 'overLimit',
        415: 'badMediaType',
        429: 'overLimit',
        501: 'notImplemented',
        503: 'serviceUnavailable',
    }

    def __init__(self, exc):
        self.wrapped_exc = exc
        for key, value in list(exc.headers.items()):
            exc.headers[key] = str(value)
        self.status_int = exc.status_int

    @webob.dec.wsgify(RequestClass=Request)
    def __call__(self, req):
        code = self.wrapped_exc.status_int
        # NOTE: 406 and every 5xx not named above are "computeFault" in Nova.
        name = self._fault_names.get(code, 'computeFault')
        explanation = self.wrapped_exc.explanation
        LOG.debug('Returning %(code)s to user: %(explanation)s',
                  {'code': code, 'explanation': explanation})
        body = {name: {'code': code, 'message': explanation}}
        retry = self.wrapped_exc.headers.get('Retry-After')
        if code in (413, 429) and retry:
            body[name]['retryAfter'] = retry
        self.wrapped_exc.content_type = 'application/json'
        self.wrapped_exc.charset = 'UTF-8'
        self.wrapped_exc.text = jsonutils.dumps(body)
        return self.wrapped_exc

    def __str__(self):
        return self.wrapped_exc.__str__()


def http_error(code, explanation=None, headers=None):
    """A webob error for ``code`` with ``explanation`` as its message."""
    cls = webob.exc.status_map.get(code, webob.exc.HTTPInternalServerError)
    kwargs = {}
    if explanation is not None:
        kwargs['explanation'] = explanation
    if headers:
        kwargs['headers'] = dict(headers)
    return cls(**kwargs)


def fault(code, explanation=None, headers=None):
    """A ``Fault`` answering ``code`` with ``explanation``."""
    return Fault(http_error(code, explanation, headers))


def fault_from_exception(exc):
    """The fault for an error raised while handling a request, or None.

    None means the error is not the user's doing: the caller re-raises it
    so that the fault wrapper logs it and answers 500.
    """
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, webob.exc.HTTPException):
        return Fault(exc)
    if isinstance(exc, exception.VersionNotFoundForAPIMethod):
        # NOTE: a method absent at this microversion looks like no method.
        return fault(404)
    if isinstance(exc, exception.NovaException) and exc.code < 500:
        return fault(exc.code, exc.format_message(), exc.headers)
    return None


# ---- responses -------------------------------------------------------------

class ResponseObject(object):
    """A controller's answer: body object, status code and headers."""

    def __init__(self, obj, code=None, headers=None):
        self.obj = obj
        self._default_code = 200
        self._code = code
        self._headers = dict(headers or {})

    def __getitem__(self, key):
        return self._headers[key.lower()]

    def __setitem__(self, key, value):
        self._headers[key.lower()] = value

    def __delitem__(self, key):
        del self._headers[key.lower()]

    @property
    def code(self):
        return self._code or self._default_code

    @property
    def headers(self):
        return dict(self._headers)

    def serialize(self):
        """The webob response carrying the body as JSON."""
        response = webob.Response()
        response.status_int = self.code
        for name, value in self._headers.items():
            response.headers[name] = str(value)
        response.headers['Content-Type'] = 'application/json'
        if self.obj is not None:
            response.charset = 'UTF-8'
            response.text = jsonutils.dumps(self.obj)
        return response


# ---- decorators ------------------------------------------------------------

def response(code):
    """Set the success status code of a controller method."""
    def decorator(func):
        func.wsgi_code = code
        return func
    return decorator


def action(name):
    """Mark a method as the server action ``name`` (the body's only key)."""
    def decorator(func):
        func.wsgi_action = name
        return func
    return decorator


def api_version(min_version, max_version=None):
    """Limit a controller method to a microversion range.

    Several methods of one name may each carry a range; the ranges must not
    overlap, and the request's microversion picks one. A request outside
    every range gets 404, as if the method did not exist.
    """
    min_ver = api_version_request.APIVersionRequest(min_version)
    max_ver = api_version_request.APIVersionRequest(max_version)

    def decorator(func):
        func.wsgi_version_range = (min_ver, max_ver)
        return func
    return decorator


def expected_errors(errors):
    """Declare the HTTP errors a controller method may answer with.

    Anything else that escapes the method is a bug: it is logged and
    answered with 500. Policy refusals (403) and schema failures (400) are
    always expected, as in Nova.
    """
    if isinstance(errors, int):
        errors = (errors,)
    errors = tuple(errors)

    def decorator(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if isinstance(exc, webob.exc.WSGIHTTPException):
                    if exc.code in errors:
                        raise
                elif isinstance(exc, Fault):
                    if exc.status_int in errors:
                        raise
                elif isinstance(exc, (exception.Forbidden,
                                      exception.ValidationError)):
                    raise
                elif (isinstance(exc, exception.NovaException) and
                        exc.code in errors):
                    raise
                LOG.exception('Unexpected exception in API method')
                msg = ('Unexpected API Error. Please report this to the '
                       'nova-lite developers and attach the API log if '
                       'possible.\n%s' % type(exc))
                raise webob.exc.HTTPInternalServerError(explanation=msg)

        wrapped.wsgi_expected_errors = errors
        return wrapped
    return decorator


# ---- controllers -----------------------------------------------------------

class VersionedMethod(object):
    """One variant of a controller method and its microversion range."""

    def __init__(self, name, start_version, end_version, func):
        self.name = name
        self.start_version = start_version
        self.end_version = end_version
        self.func = func

    def matches(self, version):
        return version.matches(self.start_version, self.end_version)

    def __repr__(self):
        end = ('' if self.end_version.is_null()
               else self.end_version.get_string())
        return 'VersionedMethod(%s %s-%s)' % (
            self.name, self.start_version.get_string(), end)


def _versions_intersect(variants):
    """Whether any two microversion ranges of ``variants`` overlap."""
    ordered = sorted(variants, key=lambda v: v.start_version)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.end_version.is_null():
            return True
        if later.start_version <= earlier.end_version:
            return True
    return False


class _ControllerNamespace(dict):
    """A class body namespace that keeps every variant of a versioned name.

    Python keeps only the last ``def`` of a name; versioned methods need
    all of them, so repeated definitions carrying ``wsgi_version_range``
    are collected into a list.
    """

    def __setitem__(self, key, value):
        if hasattr(value, 'wsgi_version_range'):
            variants = self.get('_wsgi_variants_', {})
            variants.setdefault(key, []).append(value)
            dict.__setitem__(self, '_wsgi_variants_', variants)
        dict.__setitem__(self, key, value)


class ControllerMetaclass(type):
    """Gathers server actions and microversion variants of a controller."""

    @classmethod
    def __prepare__(mcs, name, bases):
        return _ControllerNamespace()

    def __new__(mcs, name, bases, namespace):
        cls_dict = dict(namespace)
        variants = cls_dict.pop('_wsgi_variants_', {})
        for method_name, funcs in variants.items():
            versioned = [VersionedMethod(method_name, *f.wsgi_version_range,
                                         func=f) for f in funcs]
            if _versions_intersect(versioned):
                raise exception.ApiVersionsIntersect(
                    name='%s.%s' % (name, method_name),
                    min_ver=versioned[-1].start_version,
                    max_ver=versioned[-1].end_version)
            cls_dict[method_name] = _version_selector(method_name, versioned)

        actions = {}
        for base in bases:
            actions.update(getattr(base, 'wsgi_actions', {}))
        for key, value in cls_dict.items():
            action_name = getattr(value, 'wsgi_action', None)
            if action_name:
                actions[action_name] = key
        cls_dict['wsgi_actions'] = actions
        return super().__new__(mcs, name, bases, cls_dict)


def _version_selector(name, versioned):
    """A method that calls the variant matching the request's version."""
    versioned = sorted(versioned, key=lambda v: v.start_version,
                       reverse=True)

    def version_select(self, req, *args, **kwargs):
        func = select_variant(version_select, req.api_version_request)
        return func(self, req, *args, **kwargs)

    version_select.__name__ = name
    version_select.versioned_methods = versioned
    action_names = {getattr(v.func, 'wsgi_action', None) for v in versioned}
    action_names.discard(None)
    if action_names:
        version_select.wsgi_action = action_names.pop()
    return version_select


def select_variant(method, version):
    """The function implementing ``method`` at microversion ``version``.

    :raises: VersionNotFoundForAPIMethod when no variant covers it.
    """
    func = getattr(method, '__func__', method)
    variants = getattr(func, 'versioned_methods', None)
    if variants is None:
        return func
    for variant in variants:
        if variant.matches(version):
            return variant.func
    raise exception.VersionNotFoundForAPIMethod(version=version)


class Controller(metaclass=ControllerMetaclass):
    """Base of every API controller; ``_view_builder_class`` if it has one."""

    _view_builder_class = None

    def __init__(self):
        self._view_builder = (self._view_builder_class()
                              if self._view_builder_class else None)


# ---- the resource ----------------------------------------------------------

_NOT_ONE_KEY = 'too many body keys'


def action_peek(body):
    """The action a ``POST .../action`` body names: its only key.

    :raises: MalformedRequestBody unless the body is a JSON object with
        exactly one key (and passes :func:`nova_lite.http_input.loads`).
    """
    decoded = http_input.loads(body)
    if not isinstance(decoded, dict) or len(decoded) != 1:
        raise exception.MalformedRequestBody(reason=_NOT_ONE_KEY)
    return next(iter(decoded))


def _malformed_body(error):
    """The 400 for a body :func:`nova_lite.http_input.loads` refused: Nova's
    words for one that is not JSON, and the reason for anything else."""
    reason = error.kwargs.get('reason')
    if reason in (None, http_input.NOT_JSON, _NOT_ONE_KEY):
        return fault(400, 'Malformed request body')
    return fault(400, 'Malformed request body: %s' % reason)


class Resource(object):
    """The WSGI app of one controller: dispatch, (de)serialization, faults.

    The router leaves ``{'action': <method name>, ...path args}`` in
    ``environ['wsgiorg.routing_args'][1]``.

    :param controller: the controller whose methods the router names.
    :param action_controllers: more controllers whose server actions
        (``@action`` methods) this resource dispatches as well, so that
        each family of actions lives in its own module, as in Nova.
    :raises ValueError: when two controllers define the same action.
    """

    def __init__(self, controller, *action_controllers):
        self.controller = controller
        # action name -> (controller, method name)
        self.wsgi_actions = {}
        for owner in (controller,) + action_controllers:
            self.register_actions(owner)

    def register_actions(self, controller):
        """Dispatch ``controller``'s server actions from this resource."""
        for name, attr in getattr(controller, 'wsgi_actions', {}).items():
            if name in self.wsgi_actions:
                raise ValueError(
                    'server action %s is defined by both %s and %s'
                    % (name, type(self.wsgi_actions[name][0]).__name__,
                       type(controller).__name__))
            self.wsgi_actions[name] = (controller, attr)

    @webob.dec.wsgify(RequestClass=Request)
    def __call__(self, request):
        args = dict(request.environ.get('wsgiorg.routing_args',
                                        ((), {}))[1])
        action_name = args.pop('action', None)
        args.pop('controller', None)
        args.pop('format', None)
        try:
            request.get_content_type()
        except exception.InvalidContentType:
            return fault(415, 'Unsupported Content-Type')
        return self._process(request, action_name, args)

    def _process(self, request, action_name, args):
        body = request.body
        try:
            owner, method = self._get_method(action_name, body)
        except exception.MalformedRequestBody as error:
            return _malformed_body(error)
        except KeyError as exc:
            return fault(400, 'There is no such action: %s' % exc.args[0])
        except AttributeError:
            return fault(404)

        if request.method in _METHODS_WITH_BODY:
            if not request.content_length:
                args['body'] = None
            else:
                try:
                    args['body'] = http_input.loads(body)
                except exception.MalformedRequestBody as error:
                    return _malformed_body(error)

        project_id = args.pop('project_id', None)
        context = request.environ.get(ENV_CONTEXT)
        if context and project_id and project_id != context.project_id:
            return fault(400, "Malformed request URL: URL's project_id "
                              "'%s' doesn't match Context's project_id "
                              "'%s'" % (project_id, context.project_id))

        try:
            func = select_variant(method, request.api_version_request)
            result = func(owner, request, **args)
        except Exception as exc:
            found = fault_from_exception(exc)
            if found is None:
                if isinstance(exc, TypeError):
                    # NOTE: a request whose arguments do not fit the method
                    # (Nova answers these 400 too) must not look like a bug
                    # of ours to the client; it is still logged as one.
                    LOG.error('Exception handling resource: %s', exc,
                              exc_info=True)
                    return fault(400)
                raise
            return found
        return self._serialize(func, result)

    def _get_method(self, action_name, body):
        """The controller and its method for the routed action.

        :returns: (controller, method).
        :raises: AttributeError for no such method, KeyError for an unknown
            server action, MalformedRequestBody for an unreadable action body.
        """
        if action_name == 'action':
            owner, attr = self.wsgi_actions[action_peek(body)]
            return owner, getattr(owner, attr)
        if not action_name or action_name.startswith('_'):
            raise AttributeError(action_name)
        return self.controller, getattr(self.controller, action_name)

    @staticmethod
    def _serialize(func, result):
        if isinstance(result, ResponseObject):
            resp_obj = result
        elif result is None or type(result) is dict:
            resp_obj = ResponseObject(result)
        else:
            return result
        if hasattr(func, 'wsgi_code'):
            resp_obj._default_code = func.wsgi_code
        return resp_obj.serialize()
