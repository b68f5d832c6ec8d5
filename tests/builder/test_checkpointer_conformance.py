"""The runtime's checkpointer conformance suite on DjangoCheckpointer.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one (CI). The
database is used for real (committed transactions), because the suite writes from
several threads and from the async wrappers, each with its own connection.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from builder.checkpointer import DjangoCheckpointer
from tests.runtime.checkpointer_conformance import *  # noqa: F403


@pytest.fixture(params=["run-executor", "to-thread"])
def checkpointer(request, transactional_db):
    """Both ways the async methods reach the database: a run's own one-thread executor,
    and ``asyncio.to_thread`` (closing the connection after each call)."""
    if request.param == "to-thread":
        yield DjangoCheckpointer()
        return
    db_thread = ThreadPoolExecutor(max_workers=1)
    yield DjangoCheckpointer(executor=db_thread)
    db_thread.submit(connections.close_all).result()
    db_thread.shutdown()
