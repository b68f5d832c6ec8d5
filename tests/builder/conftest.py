"""Shared fixtures for the builder tests (real Postgres when DATABASE_URL points at one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from builder import models as m


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def unpaced_fake_model(settings):
    """The demo model's human pace (FAKE_MODEL_TOKEN_SECONDS) would only slow these
    tests down; the pace itself is tested where it is set."""
    settings.BUILDER = {**settings.BUILDER, "FAKE_MODEL_TOKEN_SECONDS": 0}


POSTGRES_ONLY = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite has one writer and "
    "no cross-process row locks worth testing)",
)

SIMPLE_SPEC = {
    "spec_version": 1,
    "name": "Echo",
    "state": {"fields": [{"name": "text", "type": "string", "default": ""}]},
    "nodes": [
        {
            "id": "echo",
            "kind": "transform",
            "config": {"set": [{"field": "text", "template": "echo: {{ state.text }}"}]},
        }
    ],
    "edges": [
        {"id": "e1", "source": "__start__", "target": "echo"},
        {"id": "e2", "source": "echo", "target": "__end__"},
    ],
}


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.fixture
def workspace(user) -> m.Workspace:
    ws = m.Workspace.objects.create(slug="acme", name="Acme")
    m.Membership.objects.create(user=user, workspace=ws, role=m.Role.OWNER)
    return ws


@pytest.fixture
def graph(workspace, user) -> m.Graph:
    return m.Graph.objects.create(
        workspace=workspace, slug="echo", name="Echo", draft=SIMPLE_SPEC, created_by=user
    )


GRAPHS_JSON = str(Path(__file__).parent / "graphs" / "graphs.json")


@pytest.fixture
def builder_settings(settings):
    """Point GRAPHS_CONFIG at the fake graphs; no sweeper thread; fast cancel polling."""
    settings.BUILDER = {
        **settings.BUILDER,
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "SWEEP_SECONDS": 0,
        "CANCEL_POLL_SECONDS": 0.05,
        "RUN_EXECUTOR": "sync",
    }
    return settings.BUILDER


def code_graph(workspace: m.Workspace, name: str) -> m.Graph:
    """A Graph row for one of the fake code graphs in tests/builder/graphs/."""
    return m.Graph.objects.create(
        workspace=workspace, slug=name, name=name, source=m.GraphSource.CODE, code_ref=name
    )


def fake_graph(name: str):
    """The module-level fake graph object (shared by every run in this process)."""
    from builder.execution.graphs import load_code_graph

    return load_code_graph(name)
