"""Open SSE streams follow the caller's access: removal from the workspace or a revoked
API key ends a thread stream or a run stream with an ``error`` frame.

Over a live daphne; the fake model is paced (a pause per token) so the run is still
streaming when access is withdrawn. The HTTP read timeout is the deadline: a stream
that kept going (or went silent) without the error frame fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from builder import models as m
from builder.services.api_graphs import membership_remove
from builder.services.apikeys import apikey_create, apikey_revoke
from builder.services.graphs import graph_import
from tests.builder.api.live import GRAPHS_JSON, database_url, serve

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WORDS = " ".join(f"w{i}" for i in range(400))  # 400 tokens at 0.1 s: far longer than a test


@pytest.fixture(scope="module")
def paced_api(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any):
    with django_db_blocker.unblock():
        db_url = database_url()
    yield from serve(db_url, tmp_path_factory, GRAPHS_JSON, FAKE_MODEL_TOKEN_SECONDS="0.1")


def chat_spec() -> dict[str, Any]:
    return {
        "spec_version": 1,
        "name": "chat",
        "state": {
            "fields": [
                {"name": "messages", "type": "messages", "reducer": "messages", "default": []}
            ]
        },
        "nodes": [
            {
                "id": "llm",
                "kind": "llm",
                "config": {"fake_replies": [{"content": WORDS}]},
                "position": {"x": 0, "y": 0},
            }
        ],
        "edges": [
            {"id": "e0", "source": "__start__", "target": "llm"},
            {"id": "e1", "source": "llm", "target": "__end__"},
        ],
    }


@pytest.fixture
def viewer(django_user_model) -> dict[str, Any]:
    owner = django_user_model.objects.create_user("owner", password="pw")
    user = django_user_model.objects.create_user("viewer", password="pw")
    ws = m.Workspace.objects.create(slug="revoke", name="Revoke")
    m.Membership.objects.create(user=owner, workspace=ws, role="owner")
    m.Membership.objects.create(user=user, workspace=ws, role="editor")
    graph_import(workspace=ws, spec=chat_spec(), slug="chat", user=owner, publish=True)
    key, secret = apikey_create(user=user)
    return {"user": user, "owner": owner, "workspace": ws, "key": key, "secret": secret}


def _frames(response: httpx.Response) -> Iterator[tuple[str, str]]:
    """(event, data) of each SSE frame as it arrives."""
    event, data = "", ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif line == "" and event:
            yield event, data
            event, data = "", ""


def _client(api: str, secret: str) -> httpx.Client:
    return httpx.Client(base_url=api, headers={"X-Api-Key": secret}, timeout=20)


def _error_after(frames: Iterator[tuple[str, str]], withdraw: Any) -> dict[str, Any]:
    withdraw()
    for event, data in frames:
        if event == "error":
            return json.loads(data)
    raise AssertionError("the stream ended without an error frame")


def test_thread_stream_ends_when_the_key_is_revoked(paced_api, viewer):
    with _client(paced_api.api, viewer["secret"]) as client:
        thread = client.post("/threads", json={}).json()
        path = f"/threads/{thread['thread_id']}/stream"
        with client.stream("GET", path, params={"stream_mode": "lifecycle"}) as response:
            assert response.status_code == 200
            error = _error_after(_frames(response), lambda: apikey_revoke(key=viewer["key"]))
    assert error == {"error": "Forbidden", "message": "access to this thread was withdrawn"}


def test_run_stream_ends_when_the_viewer_leaves_the_workspace(paced_api, viewer):
    with _client(paced_api.api, viewer["secret"]) as client:
        thread = client.post("/threads", json={}).json()
        body = {
            "assistant_id": "chat",
            "input": {"messages": [{"role": "user", "content": "hi"}]},
            "stream_mode": ["messages-tuple"],
        }
        path = f"/threads/{thread['thread_id']}/runs/stream"
        with client.stream("POST", path, json=body) as response:
            assert response.status_code == 200
            frames = _frames(response)
            assert next(frame for frame, _ in frames if frame == "messages") == "messages"
            workspace, user = viewer["workspace"], viewer["user"]
            error = _error_after(frames, lambda: membership_remove(workspace=workspace, user=user))
    assert error["message"] == "access to this thread was withdrawn"
    # The run itself goes on: only the viewer lost the stream.
    run = m.Run.objects.get(thread_id=thread["thread_id"])
    assert run.status in ("pending", "running")
