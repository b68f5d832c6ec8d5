"""LangGraph's ``durability`` run option, honoured end to end: "async" (the default) and
"sync" save a checkpoint after every step, "exit" only the run's final state."""

from __future__ import annotations

import pytest

from builder import models as m
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db(transaction=True)


def _run_and_count(client, durability: str | None) -> tuple[m.Run, int, dict]:
    thread_id = client.post("/api/threads", {}, format="json").json()["thread_id"]
    body = {"assistant_id": "echo", "input": {"text": "hi"}}
    if durability is not None:
        body["durability"] = durability
    response = client.post(f"/api/threads/{thread_id}/runs/wait", body, format="json")
    assert response.status_code == 200, response.content
    run = m.Run.objects.get(thread_id=thread_id)
    saved = m.Checkpoint.objects.filter(thread_id=thread_id, checkpoint_ns="").count()
    state = client.get(f"/api/threads/{thread_id}/state").json()
    return run, saved, state


def test_each_durability_is_stored_on_the_run_and_reaches_the_engine(
    acme, echo_graph, client_for, builder_settings
):
    client = client_for(acme["alice"])
    default, default_saved, default_state = _run_and_count(client, None)
    sync, sync_saved, sync_state = _run_and_count(client, "sync")
    exiting, exit_saved, exit_state = _run_and_count(client, "exit")
    assert (default.durability, sync.durability, exiting.durability) == ("async", "sync", "exit")
    assert [r.status for r in (default, sync, exiting)] == ["success"] * 3
    # One checkpoint per step (input, then each node's) for async and sync alike...
    assert default_saved > 1 and sync_saved == default_saved
    # ...and only the final state with "exit", which is the same state.
    assert exit_saved == 1
    assert exit_state["values"] == sync_state["values"] == default_state["values"]


def test_an_unknown_durability_is_refused_naming_the_field(acme, echo_graph, client_for):
    client = client_for(acme["alice"])
    thread_id = client.post("/api/threads", {}, format="json").json()["thread_id"]
    response = client.post(
        f"/api/threads/{thread_id}/runs",
        {"assistant_id": "echo", "input": {}, "durability": "eventually"},
        format="json",
    )
    error = assert_error(response, 400)
    assert error["fields"][0]["path"] == "/durability"
    assert not m.Run.objects.filter(thread_id=thread_id).exists()
