"""Scheduler tests act as the services do: with an admin context."""

import pytest

from nova_lite import context as nova_context


@pytest.fixture
def ctxt():
    return nova_context.get_admin_context()
