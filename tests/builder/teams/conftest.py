"""Fixtures for the team features: one workspace with a person of each role, an outsider
who owns another workspace, a spec graph, and a thread paused at an interrupt."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from builder import models as m
from tests.builder.conftest import SIMPLE_SPEC
from tests.builder.ws.conftest import GRAPHS_JSON

ROLES = ("owner", "editor", "reviewer", "viewer", "outsider")


@pytest.fixture(autouse=True)
def team_settings(settings):
    # PBKDF2's deliberate slowness costs seconds per test user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.BUILDER = {
        **settings.BUILDER,
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "SWEEP_SECONDS": 0,
        "CANCEL_POLL_SECONDS": 0.05,
        "RUN_EXECUTOR": "sync",
    }
    return settings


def make_team(django_user_model) -> dict[str, Any]:
    """Workspace ``acme`` (owner, editor, reviewer, viewer) and ``other`` (outsider)."""
    acme = m.Workspace.objects.create(slug="acme", name="Acme")
    other = m.Workspace.objects.create(slug="other", name="Other")
    team: dict[str, Any] = {"acme": acme, "other": other}
    for role in ROLES:
        user = django_user_model.objects.create_user(role, password="pw")
        ws, member_role = (other, "owner") if role == "outsider" else (acme, role)
        m.Membership.objects.create(user=user, workspace=ws, role=member_role)
        team[role] = user
    team["graph"] = m.Graph.objects.create(
        workspace=acme, slug="echo", name="Echo", draft=copy.deepcopy(SIMPLE_SPEC)
    )
    return team


@pytest.fixture
def team(db, django_user_model) -> dict[str, Any]:
    return make_team(django_user_model)


def paused_thread(workspace: m.Workspace) -> tuple[m.Thread, m.Run]:
    """A thread of the ``reviewed`` code graph waiting at its interrupt, written directly
    (no execution): enough for every permission check to reach its decision."""
    graph = m.Graph.objects.create(
        workspace=workspace,
        slug="reviewed",
        name="reviewed",
        source=m.GraphSource.CODE,
        code_ref="reviewed",
    )
    thread = m.Thread.objects.create(workspace=workspace, graph=graph, status="interrupted")
    run = m.Run.objects.create(thread=thread, status="interrupted", input={"text": "x"})
    m.RunEvent.objects.create(
        thread=thread,
        run=run,
        seq=1,
        type="interrupt",
        payload={"interrupt": {"id": "i-1", "value": {"title": "Approve?"}}, "ns": []},
    )
    m.Checkpoint.objects.create(
        thread_id=str(thread.pk), checkpoint_id="0001", ts="2024-01-01T00:00:00+00:00"
    )
    thread.next_event_seq = 2
    thread.save(update_fields=["next_event_seq"])
    return thread, run


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
