"""JSON schema validation with Nova's format checks and error messages."""

import base64
import binascii
import re
import unicodedata

import jsonschema
from jsonschema import validators as jsonschema_validators
import netaddr
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite import exception

NAME_REASON = 'printable characters. Can not start or end with whitespace.'


def _is_printable(char):
    """Letters, marks, numbers, punctuation, symbols and plain spaces.

    Control/format/unassigned characters (category C*) and line or
    paragraph separators are not printable; space separators (Zs) are.
    """
    category = unicodedata.category(char)
    return not category.startswith('C') and (
        not category.startswith('Z') or category == 'Zs')


def _is_printable_non_space(char):
    return _is_printable(char) and unicodedata.category(char) != 'Zs'


def is_valid_name(value):
    """Printable, and neither starting nor ending with whitespace."""
    if not value:
        # NOTE: the empty string is left to minLength, so the error a user
        # sees does not depend on which check happens to run first.
        return True
    return (all(_is_printable(char) for char in value) and
            _is_printable_non_space(value[0]) and
            _is_printable_non_space(value[-1]))


_FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@_FORMAT_CHECKER.checks('name', raises=exception.InvalidName)
def _validate_name(instance):
    if not isinstance(instance, str) or is_valid_name(instance):
        return True
    raise exception.InvalidName(reason=NAME_REASON)


@_FORMAT_CHECKER.checks('description')
def _validate_description(instance):
    if not isinstance(instance, str):
        return True
    return all(_is_printable(char) for char in instance)


@_FORMAT_CHECKER.checks('uuid')
def _validate_uuid(instance):
    if not isinstance(instance, str):
        return True
    return uuidutils.is_uuid_like(instance)


@_FORMAT_CHECKER.checks('base64')
def _validate_base64(instance):
    if not isinstance(instance, str):
        return True
    try:
        # NOTE: lenient like Nova: characters outside the alphabet (line
        # breaks, spaces) are skipped; bad padding is not.
        base64.b64decode(instance)
    except (binascii.Error, ValueError):
        return False
    return True


@_FORMAT_CHECKER.checks('date-time')
def _validate_datetime(instance):
    if not isinstance(instance, str):
        return True
    try:
        timeutils.parse_isotime(instance)
    except ValueError:
        return False
    return True


# NOTE: netaddr hands the string to inet_pton, which raises ValueError
# (not a False) for one holding a NUL; such a string is no address.
@_FORMAT_CHECKER.checks('ipv4')
def _validate_ipv4(instance):
    if not isinstance(instance, str):
        return True
    try:
        return netaddr.valid_ipv4(instance, netaddr.INET_PTON)
    except ValueError:
        return False


@_FORMAT_CHECKER.checks('ipv6')
def _validate_ipv6(instance):
    if not isinstance(instance, str):
        return True
    try:
        return netaddr.valid_ipv6(instance)
    except ValueError:
        return False


@_FORMAT_CHECKER.checks('regex')
def _validate_regex(instance):
    if not isinstance(instance, str):
        return True
    try:
        re.compile(instance)
    except re.error:
        return False
    return True


def _number_from_str(instance):
    """``instance`` as a number, or None; query and body numbers may be
    strings ("5"), and their bounds still apply."""
    if isinstance(instance, bool):
        return None
    try:
        return int(instance)
    except (ValueError, TypeError):
        try:
            return float(instance)
        except (ValueError, TypeError):
            return None


def _bound_check(keyword):
    original = jsonschema.Draft4Validator.VALIDATORS[keyword]

    def check(validator, bound, instance, schema):
        number = _number_from_str(instance)
        if number is None:
            return
        yield from original(validator, bound, number, schema)
    return check


_Validator = jsonschema_validators.extend(
    jsonschema.Draft4Validator,
    {'minimum': _bound_check('minimum'),
     'maximum': _bound_check('maximum')})


class SchemaValidator(object):
    """Validates request bodies or query strings against one schema.

    :param schema: a Draft 4 JSON schema; checked when built, so a broken
        schema fails at import rather than on a request.
    :param is_body: whether messages speak of body fields or query
        parameters.
    """

    def __init__(self, schema, is_body=True):
        _Validator.check_schema(schema)
        self.schema = schema
        self.is_body = is_body
        self.validator = _Validator(schema, format_checker=_FORMAT_CHECKER)

    def validate(self, instance):
        """:raises: ValidationError (400) with Nova's message format."""
        try:
            self.validator.validate(instance)
        except jsonschema.ValidationError as ex:
            raise exception.ValidationError(detail=self._detail(ex))

    def _detail(self, ex):
        if isinstance(ex.cause, exception.InvalidName):
            return ex.cause.format_message()
        if not ex.path:
            return ex.message
        if self.is_body:
            return ('Invalid input for field/attribute %(path)s. '
                    'Value: %(value)s. %(message)s' % {
                        'path': ex.path.pop(), 'value': ex.instance,
                        'message': ex.message})
        # NOTE: a query value is a list under its parameter name; the name
        # is the first path element.
        return ('Invalid input for query parameters %(path)s. '
                'Value: %(value)s. %(message)s' % {
                    'path': ex.path.popleft(), 'value': ex.instance,
                    'message': ex.message})
