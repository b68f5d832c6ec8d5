"""Fixtures for the websocket tests: an in-memory channel layer, real graphs, and people
with each role (plus one from another workspace)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from builder import models as m
from builder.routing import websocket_urlpatterns
from builder.services.threads import thread_create

GRAPHS_JSON = str(Path(__file__).parent / "graphs" / "graphs.json")

# The application as builder.asgi builds it for websockets (without importing builder.asgi,
# which would start the inline executor's sweeper in the test process).
application = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


@pytest.fixture
def ws_settings(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.BUILDER = {
        **settings.BUILDER,
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "SWEEP_SECONDS": 0,
        "CANCEL_POLL_SECONDS": 0.05,
        "RUN_EXECUTOR": "sync",
    }
    return settings


@pytest.fixture
def people(ws_settings, transactional_db, django_user_model) -> dict[str, Any]:
    """alice owner, bob and carol reviewers, vic viewer of 'acme'; mallory owns 'other'."""
    acme = m.Workspace.objects.create(slug="acme", name="Acme")
    other = m.Workspace.objects.create(slug="other", name="Other")
    found: dict[str, Any] = {"acme": acme, "other": other}
    for name, ws, role in [
        ("alice", acme, m.Role.OWNER),
        ("bob", acme, m.Role.REVIEWER),
        ("carol", acme, m.Role.REVIEWER),
        ("vic", acme, m.Role.VIEWER),
        ("mallory", other, m.Role.OWNER),
    ]:
        user = django_user_model.objects.create_user(name)  # no password: hashing is slow
        m.Membership.objects.create(user=user, workspace=ws, role=role)
        found[name] = user
    return found


def make_thread(workspace: m.Workspace, graph_name: str = "reviewed") -> m.Thread:
    graph = m.Graph.objects.filter(workspace=workspace, slug=graph_name).first()
    if graph is None:
        graph = m.Graph.objects.create(
            workspace=workspace,
            slug=graph_name,
            name=graph_name,
            source=m.GraphSource.CODE,
            code_ref=graph_name,
        )
    return thread_create(workspace=workspace, graph=graph)


async def connect(
    path: str, user: Any = None, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[WebsocketCommunicator, bool, int | None]:
    """Open a socket as ``user`` (set as the session would); (communicator, ok, close code)."""
    comm = WebsocketCommunicator(application, path, headers=headers or [])
    if user is not None:
        comm.scope["user"] = user
    ok, code = await comm.connect(timeout=5)
    if ok:
        # Refusals accept and then close: report them as refusals with their code. An
        # accepted socket always sends a first frame (presence, the inbox), so this waits
        # only as long as the server takes; and it must not time out: asgiref cancels the
        # application on a receive timeout, which under load broke later steps.
        try:
            first = await comm.receive_output(timeout=5)
        except TimeoutError:
            first = None
        if first is not None and first["type"] == "websocket.close":
            return comm, False, first.get("code")
        if first is not None:
            comm._early = [first]  # type: ignore[attr-defined]
    return comm, ok, code


async def receive(comm: WebsocketCommunicator, timeout: float = 5) -> dict[str, Any]:
    early = getattr(comm, "_early", None)
    if early:
        out = early.pop(0)
    else:
        out = await comm.receive_output(timeout=timeout)
    assert out["type"] == "websocket.send", out
    return json.loads(out["text"])


async def receive_events(
    comm: WebsocketCommunicator, until_seq: int, timeout: float = 10
) -> list[dict[str, Any]]:
    """Thread events (expanding batches, skipping presence) up to ``until_seq``."""
    events: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not events or events[-1]["seq"] < until_seq:
        msg = await receive(comm, timeout=max(0.01, deadline - loop.time()))
        if msg["type"] == "batch":
            events.extend(msg["events"])
        elif "seq" in msg:
            events.append(msg)
    return events


async def receive_type(comm: WebsocketCommunicator, kind: str, timeout: float = 10) -> dict:
    """The next message of type ``kind`` (others are skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        msg = await receive(comm, timeout=max(0.01, deadline - loop.time()))
        if msg["type"] == kind:
            return msg


db = database_sync_to_async
