"""The official langgraph_sdk clients (sync and async) against a real daphne server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.errors import ConflictError, NotFoundError

from builder import models as m
from builder.services.apikeys import apikey_create
from builder.services.graphs import graph_import
from tests.builder.api.live import live_api  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TRIAGE = Path(settings.BASE_DIR) / "runtime" / "examples" / "support_triage.json"
LONG = {"recursion_limit": 1000}


@pytest.fixture
def key(django_user_model):
    """A workspace with the support-triage demo published; the owner's API key."""
    user = django_user_model.objects.create_user("sdk", password="pw")
    ws = m.Workspace.objects.create(slug="sdk", name="SDK")
    m.Membership.objects.create(user=user, workspace=ws, role="owner")
    graph_import(
        workspace=ws,
        spec=json.loads(TRIAGE.read_text()),
        slug="support-triage",
        user=user,
        publish=True,
    )
    return apikey_create(user=user)[1]


def test_stream_interrupt_resume_state_and_history(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    thread = client.threads.create()
    tid = thread["thread_id"]
    parts = list(
        client.runs.stream(
            tid,
            "support-triage",
            input={"ticket": "How do I change my password?"},
            stream_mode=["values", "updates"],
        )
    )
    # No closing event: LangGraph Server sends none, the stream just ends.
    assert parts[0].event == "metadata" and parts[-1].event == "values"
    assert "__interrupt__" in parts[-1].data
    updates = [p.data for p in parts if p.event == "updates"]
    assert any("__interrupt__" in u for u in updates), updates
    assert any(p.event == "values" and p.data.get("category") for p in parts)
    # The SDK's decoder carries the last id onto frames without one (like `end`).
    ids = [int(p.id) for p in parts if p.id]
    assert ids == sorted(ids)

    state = client.threads.get_state(tid)
    assert state["next"] == ["review"]
    assert state["interrupts"] and state["values"]["category"] == "question"
    assert client.threads.get(tid)["status"] == "interrupted"

    result = client.runs.wait(tid, "support-triage", command={"resume": {"decision": "approve"}})
    assert result["status"] == "sent" and result["decision"] == "approve"
    assert client.threads.get(tid)["status"] == "idle"

    history = client.threads.get_history(tid, limit=50)
    steps = [h["metadata"]["step"] for h in history]
    assert steps == sorted(steps, reverse=True) and steps[-1] == -1
    older = client.threads.get_state(tid, checkpoint_id=history[-1]["checkpoint"]["checkpoint_id"])
    assert older["metadata"]["source"] == "input"
    runs = client.runs.list(tid)
    # A run that paused ended well: LangGraph Server reports it as a success.
    assert [r["status"] for r in runs] == ["success", "success"]
    with pytest.raises(NotFoundError):
        client.threads.get_state(tid, checkpoint_id="nope")


async def test_fork_from_a_checkpoint(live_api, key):  # noqa: F811
    client = get_client(url=live_api.api, api_key=key)
    thread = await client.threads.create(graph_id="ticker")
    tid = thread["thread_id"]
    final = await client.runs.wait(tid, "ticker", input={"count": 0, "limit": 3}, config=LONG)
    assert final["log"] == [1, 2, 3]
    history = await client.threads.get_history(tid, limit=20)
    after_first = next(h for h in history if h["values"].get("count") == 1)
    fork = await client.threads.update_state(
        tid,
        {"count": 100, "limit": 102},
        as_node="tick",
        checkpoint_id=after_first["checkpoint"]["checkpoint_id"],
    )
    forked = await client.runs.wait(
        tid, "ticker", input=None, checkpoint_id=fork["checkpoint"]["checkpoint_id"], config=LONG
    )
    assert forked["count"] == 102 and forked["log"] == [1, 101, 102]
    # as in LangGraph: the edit of a past checkpoint is an update on a new branch from it
    history = await client.threads.get_history(tid, limit=50)
    update = next(h for h in history if h["metadata"]["source"] == "update")
    assert update["checkpoint"]["checkpoint_id"] == fork["checkpoint"]["checkpoint_id"]
    assert (
        update["parent_checkpoint"]["checkpoint_id"] == after_first["checkpoint"]["checkpoint_id"]
    )
    await client.aclose()


def test_parallel_interrupts_resume_one_by_id_and_keep_every_answer(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    out = client.runs.wait(tid, "pair", input={"prompts": ["a", "b"]})
    pending = client.threads.get_state(tid)["interrupts"]
    assert sorted(i["value"] for i in pending) == ["a", "b"]
    first = next(i for i in pending if i["value"] == "a")
    client.runs.wait(tid, "pair", command={"resume": {first["id"]: "answer a"}})
    [left] = client.threads.get_state(tid)["interrupts"]
    assert left["value"] == "b"  # the other question is still asked
    out = client.runs.wait(tid, "pair", command={"resume": {left["id"]: "answer b"}})
    assert sorted(out["answers"]) == ["answer a", "answer b"]
    assert client.threads.get_state(tid)["next"] == []


def test_replay_from_before_an_interrupt_asks_again(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "asker", input={"question": "why?"})
    assert client.runs.wait(tid, "asker", command={"resume": "because"})["answer"] == "because"
    history = client.threads.get_history(tid, limit=10)
    before = next(h for h in history if h["next"] == ["ask"])
    client.runs.wait(tid, "asker", input=None, checkpoint_id=before["checkpoint"]["checkpoint_id"])
    state = client.threads.get_state(tid)
    assert [i["value"] for i in state["interrupts"]] == [{"question": "why?"}]
    assert state["metadata"]["source"] == "fork" and "answer" not in state["values"]


async def test_cancel_join_and_busy_thread(live_api, key):  # noqa: F811
    client = get_client(url=live_api.api, api_key=key)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    run = await client.runs.create(tid, "ticker", input={"count": 0, "limit": 200}, config=LONG)
    deadline = time.monotonic() + 10
    while (await client.runs.get(tid, run["run_id"]))["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # Cancel mid-run: after the first tick is saved (a cancel noticed before it would
    # rightly leave the count at 0).
    while not (await client.threads.get_state(tid))["values"].get("count"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(ConflictError):
        await client.runs.create(tid, "ticker", input={"count": 0}, multitask_strategy="reject")
    await client.runs.cancel(tid, run["run_id"], wait=True)
    cancelled = await client.runs.get(tid, run["run_id"])
    assert cancelled["status"] == "interrupted"
    joined = await client.runs.join(tid, run["run_id"])
    assert 0 < joined["count"] < 200
    # The thread is free again; a run enqueued behind another runs after it.
    first = await client.runs.create(tid, "ticker", input={"count": 0, "limit": 2})
    second = await client.runs.create(
        tid, "ticker", input={"count": 0, "limit": 3}, multitask_strategy="enqueue"
    )
    assert (await client.runs.join(tid, second["run_id"]))["count"] == 3
    statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
    assert statuses[first["run_id"]] == statuses[second["run_id"]] == "success"
    await client.aclose()


def test_assistants_stateless_runs_and_store(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    graph_ids = {a["graph_id"] for a in client.assistants.search(limit=50)}
    assert {"ticker", "asker", "support-triage"} <= graph_ids
    default = client.assistants.get("support-triage")
    assert default["metadata"]["created_by"] == "system"
    drawn = client.assistants.get_graph(default["assistant_id"])
    assert {n["id"] for n in drawn["nodes"]} >= {"classify", "review"}
    schemas = client.assistants.get_schemas("support-triage")
    assert "ticket" in schemas["state_schema"]["properties"]
    mine = client.assistants.create("ticker", config={"recursion_limit": 1000}, name="long")
    patched = client.assistants.update(mine["assistant_id"], metadata={"team": "a"})
    assert patched["version"] == 2 and patched["metadata"] == {"team": "a"}

    before = m.Thread.objects.count()
    out = client.runs.wait(None, mine["assistant_id"], input={"count": 0, "limit": 30})
    assert out["count"] == 30
    parts = list(client.runs.stream(None, "asker", input={"question": "why?"}))
    assert parts[-1].event == "values"
    assert any(p.event == "values" and "__interrupt__" in p.data for p in parts)
    assert m.Thread.objects.count() == before  # stateless threads are deleted

    client.store.put_item(["users", "u1"], "prefs", {"theme": "dark"})
    client.store.put_item(["users", "u2"], "prefs", {"theme": "light"})
    assert client.store.get_item(["users", "u1"], "prefs")["value"] == {"theme": "dark"}
    found = client.store.search_items(["users"], filter={"theme": "light"})["items"]
    assert [i["namespace"] for i in found] == [["users", "u2"]]
    assert client.store.list_namespaces(prefix=["users"])["namespaces"] == [
        ["users", "u1"],
        ["users", "u2"],
    ]
    client.store.delete_item(["users", "u1"], "prefs")
    assert client.store.get_item(["users", "u1"], "prefs") is None


def _frames(text: str) -> list[dict]:
    frames = []
    for block in text.split("\n\n"):
        if not block.strip() or block.startswith(":"):
            continue
        frame = {}
        for line in block.split("\n"):
            name, _, value = line.partition(": ")
            frame[name] = value
        frames.append(frame)
    return frames


def test_sse_resumes_after_last_event_id_without_loss_or_duplicates(live_api, key):  # noqa: F811
    headers = {"X-Api-Key": key}
    with httpx.Client(base_url=live_api.api, headers=headers, timeout=30) as http:
        tid = http.post("/threads", json={}).json()["thread_id"]
        body = {
            "assistant_id": "ticker",
            "input": {"count": 0, "limit": 6},
            "stream_mode": ["values", "updates"],
        }
        received = []
        with http.stream("POST", f"/threads/{tid}/runs/stream", json=body) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            location = response.headers["location"]
            text = ""
            for chunk in response.iter_text():
                text += chunk
                received = _frames(text.rsplit("\n\n", 1)[0] + "\n\n")
                # Hang up in the middle of the run.
                if len([f for f in received if f.get("id")]) >= 3:
                    break
        assert received[0]["event"] == "metadata"
        assert json.loads(received[0]["data"])["attempt"] == 1
        last_id = [f["id"] for f in received if f.get("id")][-1]
        run_url = location.rsplit("/stream", 1)[0]
        resumed = _frames(http.get(location, headers={"Last-Event-ID": last_id}).text)
        full = _frames(http.get(location).text)
        assert resumed[-1]["event"] == full[-1]["event"] == "values"
        assert full[0]["event"] == "metadata"
        # What was received plus what the reconnect sent is exactly the full stream.
        seen = [f for f in received if f.get("id")] + [f for f in resumed if f.get("id")]
        assert seen == [f for f in full if f.get("id")]
        assert all(int(f["id"]) > int(last_id) for f in resumed if f.get("id"))
        values = [json.loads(f["data"]) for f in full if f["event"] == "values"]
        assert values[-1]["count"] == 6
        assert http.get(run_url).json()["status"] == "success"
