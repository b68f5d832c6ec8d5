"""A subgraph's state through the HTTP API, with the official langgraph_sdk client, as
against LangGraph Server: an interrupt inside a subgraph pauses the thread, the state
(subgraphs=true) shows the subgraph's own state, resuming continues it, and its checkpoint
config reads and edits the subgraph's state."""

from __future__ import annotations

import pytest
from langgraph_sdk import get_sync_client

from builder import models as m
from builder.services.apikeys import apikey_create
from tests.builder.api.live import live_api  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def key(django_user_model):
    user = django_user_model.objects.create_user("nest", password="pw")
    ws = m.Workspace.objects.create(slug="nest", name="Nest")
    m.Membership.objects.create(user=user, workspace=ws, role="owner")
    return apikey_create(user=user)[1]


def test_subgraph_interrupt_state_edit_and_resume(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    paused = client.runs.wait(tid, "nested", input={"log": []})
    assert paused["__interrupt__"][0]["value"] == "inner asks"

    state = client.threads.get_state(tid, subgraphs=True)
    assert state["next"] == ["inner"]
    [task] = state["tasks"]
    sub = task["state"]
    assert sub["next"] == ["ask"]
    assert sub["values"] == {"log": ["prepared"]}
    assert sub["checkpoint"]["checkpoint_ns"].startswith("inner:")
    assert [i["value"] for i in sub["interrupts"]] == ["inner asks"]
    # without subgraphs=true the task names where the subgraph's checkpoints are
    shallow = client.threads.get_state(tid)["tasks"][0]
    assert shallow["state"] is None
    assert shallow["checkpoint"]["checkpoint_ns"] == sub["checkpoint"]["checkpoint_ns"]

    done = client.runs.wait(tid, "nested", command={"resume": "yes"})
    assert done["log"] == ["prepared", "answer:yes", "after"]
    assert client.threads.get_state(tid)["next"] == []


def test_a_subgraph_checkpoint_is_addressable_and_bad_ones_are_refused(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "nested", input={"log": []})
    sub_point = client.threads.get_state(tid)["tasks"][0]["checkpoint"]
    # the state at a subgraph's checkpoint config is the subgraph's
    at = client.threads.get_state(tid, checkpoint=sub_point)
    assert at["next"] == ["ask"] and at["values"] == {"log": ["prepared"]}
    # and editing with it edits the paused subgraph's own state
    client.threads.update_state(tid, {"log": ["edited"]}, as_node="prepare", checkpoint=sub_point)
    edited = client.threads.get_state(tid, subgraphs=True)["tasks"][0]["state"]
    assert edited["values"] == {"log": ["prepared", "edited"]}
    assert edited["next"] == ["ask"]
    assert edited["metadata"]["source"] == "update"
    http = client.http.client
    missing = http.post(
        f"/threads/{tid}/state",
        json={"values": {"log": ["x"]}, "checkpoint_id": "1f000000-0000-6000-8000-000000000000"},
    )
    assert missing.status_code == 404, missing.text
    assert "not found" in missing.text
    nowhere = http.post(
        f"/threads/{tid}/state",
        json={"values": {"log": ["x"]}, "checkpoint": {"checkpoint_ns": "nowhere:1"}},
    )
    assert nowhere.status_code == 422, nowhere.text
    assert "Subgraph 'nowhere' not found" in nowhere.text
