"""Fixtures for the client suites: a live daphne serving tests/clients/graphs, and an API
key of a workspace owner."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from builder import models as m
from builder.services.apikeys import apikey_create
from tests.builder.api.live import database_url, serve

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


@pytest.fixture(scope="module")
def client_server(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any):
    """daphne on the test database with the chat, nested and slow graphs; CORS open to
    one foreign origin (the useStream page is served from another port)."""
    with django_db_blocker.unblock():
        db_url = database_url()
    yield from serve(db_url, tmp_path_factory, GRAPHS, CORS_ALLOWED_ORIGINS="http://127.0.0.1:1")


@pytest.fixture
def owner_key(django_user_model) -> str:
    user = django_user_model.objects.create_user("js", password="pw")
    ws = m.Workspace.objects.create(slug="js", name="JS")
    m.Membership.objects.create(user=user, workspace=ws, role="owner")
    return apikey_create(user=user)[1]
