"""utils.execute: the one way nova-lite runs a host command."""

import pytest

from nova_lite import exception
from nova_lite import utils


def test_returns_the_output():
    assert utils.execute(['echo', 'hi'], 10).stdout == 'hi\n'


def test_failure_is_an_internal_error_with_stderr():
    with pytest.raises(exception.InternalError) as caught:
        utils.execute(['sh', '-c', 'echo nope >&2; exit 3'], 10)
    assert 'exit 3' in caught.value.format_message()
    assert 'nope' in caught.value.format_message()


def test_ok_errors_let_the_caller_see_the_code():
    result = utils.execute(['sh', '-c', 'echo File exists >&2; exit 2'], 10,
                           ok_errors=('File exists',))
    assert result.returncode == 2


@pytest.mark.parametrize('cmd, timeout', [
    (['/nonexistent/tool'], 10),
    (['sleep', '5'], 0.2),
])
def test_missing_or_slow_command_is_an_internal_error(cmd, timeout):
    with pytest.raises(exception.InternalError):
        utils.execute(cmd, timeout)
