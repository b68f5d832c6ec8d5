"""Fixtures for the client suites: a live daphne serving tests/clients/graphs, and an API
key of a workspace owner."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from builder import models as m
from builder.services.apikeys import apikey_create
from tests.builder.api.live import database_url, serve
from tests.ports import free_port

HERE = Path(__file__).parent
JS = HERE / "js"
GRAPHS = str(HERE / "graphs" / "graphs.json")


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (JS / "node_modules" / "@langchain" / "langgraph-sdk").is_dir():
        pytest.fail("tests/clients/js/node_modules is missing: run `make setup` (npm ci there)")
    return node


# Package scope: one daphne for every client suite here.
@pytest.fixture(scope="package")
def page_origin() -> str:
    """Where the useStream page is served: another origin than the API's."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="package")
def client_server(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any, page_origin: str
):
    """daphne on the test database with the chat, nested and slow graphs; CORS allows
    the page's origin only."""
    with django_db_blocker.unblock():
        db_url = database_url()
    yield from serve(
        db_url,
        tmp_path_factory,
        GRAPHS,
        CORS_ALLOWED_ORIGINS=page_origin,
        # The embedded default's cron scheduler, ticking fast (test_cron_ticker).
        CRON_TICK_SECONDS="0.2",
    )


@pytest.fixture
def owner_key(transactional_db: Any, django_user_model: Any) -> str:
    """The API key of a workspace owner. Made in a thread of its own: the browser tests'
    Playwright runs an event loop in this one, where Django refuses database calls."""

    def make() -> str:
        try:
            user = django_user_model.objects.create_user("js", password="pw")
            ws = m.Workspace.objects.create(slug="js", name="JS")
            m.Membership.objects.create(user=user, workspace=ws, role="owner")
            return apikey_create(user=user)[1]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(make).result()


# --- the Python SDK and RemoteGraph suites: the reference graphs ------------------------
# tests/clients/reference holds the graphs that `python -m tests.clients.compare` also
# runs on `langgraph dev` (same logic, written against langgraph there, runtime here).
REFERENCE = str(HERE / "reference" / "graphs.json")


@pytest.fixture(scope="module")
def server(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any):
    """daphne on the test database serving the reference graphs (chat, asker, ticker)."""
    with django_db_blocker.unblock():
        db_url = database_url()
    yield from serve(db_url, tmp_path_factory, REFERENCE)


@pytest.fixture
def key(django_user_model: Any) -> str:
    """The API key of the owner of a fresh workspace."""
    user = django_user_model.objects.create_user("client", password="pw")
    workspace = m.Workspace.objects.create(slug="clients", name="Clients")
    m.Membership.objects.create(user=user, workspace=workspace, role="owner")
    return apikey_create(user=user)[1]
