"""Shared fixtures for the builder tests (real Postgres when DATABASE_URL points at one)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from builder import models as m


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


POSTGRES_ONLY = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite has one writer and "
    "no cross-process row locks worth testing)",
)

SIMPLE_SPEC = {
    "spec_version": 1,
    "name": "Echo",
    "state": {"fields": [{"name": "text", "type": "string", "reducer": "replace"}]},
    "nodes": [],
    "edges": [],
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
