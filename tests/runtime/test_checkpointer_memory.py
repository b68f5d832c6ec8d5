"""The conformance suite on the in-memory checkpointer."""

import pytest

from runtime.checkpoint import InMemoryCheckpointer
from tests.runtime.checkpointer_conformance import *  # noqa: F403


@pytest.fixture
def checkpointer():
    return InMemoryCheckpointer()
