"""Every role × every action, over REST, SSE and the thread websocket: one table.

A member lacking the role gets 403 (the socket: an error saying so); someone of another
workspace gets 404 (the socket: close code 4404), exactly as for a thread that does not
exist. "Allowed" means the permission check let the request through: the action itself
may still be refused for another reason (409 for a thread that is not paused, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from builder import models as m
from tests.builder.teams.conftest import ROLES, client_for, make_team, paused_thread
from tests.builder.ws.conftest import connect, db, receive

RANK = {"viewer": 0, "reviewer": 1, "editor": 2, "owner": 3}

Request = Callable[[dict[str, Any]], tuple[str, str, Any]]

# action -> (the least role allowed, the request). ``t`` carries the team and objects.
ACTIONS: dict[str, tuple[str, Request]] = {
    "read graph": ("viewer", lambda t: ("get", f"/api/graphs/{t['graph'].pk}/", None)),
    "edit graph": ("editor", lambda t: ("patch", f"/api/graphs/{t['graph'].pk}/", {"name": "N"})),
    "publish": ("editor", lambda t: ("post", f"/api/graphs/{t['graph'].pk}/versions/", {})),
    "start run": (
        "reviewer",
        lambda t: (
            "post",
            f"/api/threads/{t['thread'].pk}/runs",
            {"assistant_id": "reviewed", "input": {"text": "go"}, "multitask_strategy": "enqueue"},
        ),
    ),
    "resume interrupt": (
        "reviewer",
        lambda t: (
            "post",
            f"/api/threads/{t['thread'].pk}/review/",
            {"action": "resume", "value": {"decision": "approve"}},
        ),
    ),
    "cancel": (
        "reviewer",
        lambda t: ("post", f"/api/threads/{t['thread'].pk}/runs/{t['run'].pk}/cancel", None),
    ),
    "read thread state": ("viewer", lambda t: ("get", f"/api/threads/{t['thread'].pk}", None)),
    "read history": ("viewer", lambda t: ("get", f"/api/threads/{t['thread'].pk}/history", None)),
    "comment": (
        "reviewer",
        lambda t: (
            "post",
            f"/api/threads/{t['thread'].pk}/comments/",
            {"checkpoint_id": "0001", "body": "looks good"},
        ),
    ),
    "create share link": (
        "editor",
        lambda t: ("post", f"/api/threads/{t['thread'].pk}/share-links/", {}),
    ),
    "export thread": ("viewer", lambda t: ("get", f"/api/threads/{t['thread'].pk}/export/", None)),
    "read thread audit": (
        "viewer",
        lambda t: ("get", f"/api/threads/{t['thread'].pk}/audit/", None),
    ),
    "manage members": ("owner", lambda t: ("get", "/api/workspaces/acme/members/", None)),
    "invite": (
        "owner",
        lambda t: ("post", "/api/workspaces/acme/invitations/", {"role": "viewer"}),
    ),
    "manage credentials": (
        "owner",
        lambda t: (
            "post",
            "/api/workspaces/acme/credentials/",
            {"provider": "openai", "name": "main", "secret": "sk-test-1234567890"},
        ),
    ),
    "read workspace audit": ("owner", lambda t: ("get", "/api/workspaces/acme/audit/", None)),
    "SSE join stream": (
        "viewer",
        lambda t: ("get", f"/api/threads/{t['thread'].pk}/runs/{t['run'].pk}/stream", None),
    ),
    # Hanging up cancels the run: only those who may cancel may ask for that.
    "SSE join stream, cancel on disconnect": (
        "reviewer",
        lambda t: (
            "get",
            f"/api/threads/{t['thread'].pk}/runs/{t['run'].pk}/stream?cancel_on_disconnect=true",
            None,
        ),
    ),
}


def expected(role: str, least: str) -> int | None:
    """None: allowed; else the status of the refusal."""
    if role == "outsider":
        return 404
    return None if RANK[role] >= RANK[least] else 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_rest_and_sse(action: str, role: str, django_user_model) -> None:
    least, build = ACTIONS[action]
    team = make_team(django_user_model)
    team["thread"], team["run"] = paused_thread(team["acme"])
    method, path, body = build(team)
    response = getattr(client_for(team[role]), method)(path, body, format="json")
    want = expected(role, least)
    if want is None:
        assert response.status_code not in (401, 403, 404), (response.status_code, response)
        if action.startswith("SSE"):
            assert response["Content-Type"].startswith("text/event-stream")
    else:
        assert response.status_code == want, getattr(response, "data", response)
        if want == 403 and response.get("Content-Type", "").startswith("application/json"):
            assert response.json()["error"]["message"]
    response.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_websocket_watch_and_act(role: str, django_user_model) -> None:
    team = await db(make_team)(django_user_model)
    thread, _run = await db(paused_thread)(team["acme"])
    comm, ok, code = await connect(f"/ws/threads/{thread.pk}/", team[role])
    try:
        if role == "outsider":
            assert not ok or code == 4404
            assert code == 4404
            return
        assert ok
        await comm.send_json_to({"action": "cancel", "request_id": "r1"})
        reply = await receive_type_any(comm, ("ack", "error"))
        if RANK[role] >= RANK["reviewer"]:
            assert "can watch but not act" not in reply.get("reason", ""), reply
        else:
            assert reply["type"] == "error" and "can watch but not act" in reply["reason"]
    finally:
        await comm.disconnect()


async def receive_type_any(comm: Any, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The next reply of one of ``kinds`` (events and presence are skipped)."""
    while True:
        msg = await receive(comm)
        if msg["type"] in kinds:
            return msg


def test_the_table_covers_every_role() -> None:
    assert set(ROLES) == {*RANK, "outsider"}
    assert m.Role.values == list(RANK)[::-1]
