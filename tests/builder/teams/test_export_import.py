"""Thread export → import into another workspace → the same state, history and events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from builder import models as m
from builder.services.errors import InvalidInput
from builder.services.review import Reviewer, review_act
from builder.services.runs import run_start
from builder.services.thread_transfer import thread_import
from builder.services.threads import thread_create
from tests.builder.teams.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def _reviewed_thread(team: dict[str, Any]) -> m.Thread:
    """A thread of the ``reviewed`` code graph, run, paused, approved and finished."""
    graph = m.Graph.objects.create(
        workspace=team["acme"], slug="reviewed", name="reviewed", source="code", code_ref="reviewed"
    )
    thread = thread_create(workspace=team["acme"], graph=graph, user=team["owner"])
    run_start(thread=thread, input={"text": "hello"}, user=team["owner"])  # sync executor
    review_act(
        thread_id=str(thread.pk),
        reviewer=Reviewer(team["reviewer"]),
        message={"action": "resume", "decision": "approve"},
    )
    return thread


def _echo_thread(team: dict[str, Any]) -> m.Thread:
    thread = thread_create(workspace=team["acme"], graph=team["graph"], user=team["owner"])
    run_start(thread=thread, input={"text": "hi <b>there</b>"}, user=team["owner"])
    return thread


def _comparable_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for snapshot in history:
        out.append(
            {
                "values": snapshot["values"],
                "next": snapshot["next"],
                "metadata": snapshot["metadata"],
                "checkpoint_id": snapshot["checkpoint"]["checkpoint_id"],
                "parent": (snapshot["parent_checkpoint"] or {}).get("checkpoint_id"),
                "tasks": [(t["name"], t["interrupts"]) for t in snapshot["tasks"]],
            }
        )
    return out


def _comparable_events(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["seq"], e["type"], json.dumps(e["data"], sort_keys=True), e["ts"]) for e in events]


@pytest.mark.parametrize("make_thread", [_reviewed_thread, _echo_thread], ids=["code", "spec"])
def test_export_then_import_replays_exactly(team, make_thread):
    thread = make_thread(team)
    source = client_for(team["viewer"])
    exported = source.get(f"/api/threads/{thread.pk}/export/")
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"]
    document = exported.json()
    assert document["checkpoints"] and document["blobs"] and document["events"]

    target = client_for(team["outsider"])  # owner of "other", not a member of acme
    imported = target.post("/api/workspaces/other/threads/import/", document, format="json")
    assert imported.status_code == 201, imported.json()
    new_id = imported.json()["thread_id"]
    assert new_id != str(thread.pk)
    copy = m.Thread.objects.get(pk=new_id)
    assert copy.workspace.slug == "other" and copy.graph.workspace.slug == "other"

    def read(client: Any, tid: Any) -> tuple[Any, Any, Any]:
        state = client.get(f"/api/threads/{tid}/state").json()
        history = client.get(f"/api/threads/{tid}/history?limit=100").json()
        events = m.RunEvent.objects.filter(thread_id=tid).order_by("seq")
        from builder.eventlog import event_as_dict

        return state, history, [event_as_dict(e) for e in events]

    state_a, history_a, events_a = read(source, thread.pk)
    state_b, history_b, events_b = read(target, new_id)
    assert state_b["values"] == state_a["values"] and state_a["values"]
    assert state_b["next"] == state_a["next"]
    assert _comparable_history(history_b) == _comparable_history(history_a)
    assert len(history_a) >= 2
    assert _comparable_events(events_b) == _comparable_events(events_a)
    # Events point at the imported runs, not at the source's.
    source_runs = {str(r) for r in m.Run.objects.filter(thread=thread).values_list("pk", flat=True)}
    assert not {e["run_id"] for e in events_b if e["run_id"]} & source_runs
    assert m.AuditEntry.objects.filter(thread_id=new_id, action="thread.imported").exists()
    # The importer cannot see the source; the source workspace cannot see the copy.
    assert target.get(f"/api/threads/{thread.pk}/export/").status_code == 404
    assert source.get(f"/api/threads/{new_id}/state").status_code == 404

    # Importing the same thread again reuses the graph rather than duplicating it.
    again = target.post("/api/workspaces/other/threads/import/", document, format="json")
    assert again.status_code == 201
    assert m.Graph.objects.filter(workspace__slug="other").count() == 1


def test_import_refuses_what_it_cannot_trust(team):
    thread = _echo_thread(team)
    owner = client_for(team["owner"])
    document = owner.get(f"/api/threads/{thread.pk}/export/").json()

    not_an_export = owner.post("/api/workspaces/acme/threads/import/", {"a": 1}, format="json")
    assert not_an_export.status_code == 422

    # A blob naming a module this server has not imported must not make it import one.
    evil = json.loads(json.dumps(document))
    evil["blobs"][0]["data"] = json.dumps({"__sy__": "dataclass", "cls": "antigravity:X", "v": {}})
    with pytest.raises(InvalidInput, match="not loaded"):
        thread_import(workspace=team["acme"], document=evil, user=team["owner"])
    refused = owner.post("/api/workspaces/acme/threads/import/", evil, format="json")
    assert refused.status_code == 422

    # Reviewers may not import (it can create a graph).
    reviewer = client_for(team["reviewer"])
    assert (
        reviewer.post("/api/workspaces/acme/threads/import/", document, format="json").status_code
        == 403
    )
