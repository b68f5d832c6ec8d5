"""langgraph_sdk (sync and async) against a live daphne: assistant versions, the messages
and events stream modes, the thread stream, run context, Command goto with Send,
webhooks and after_seconds."""

from __future__ import annotations

import asyncio
import time

import pytest
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.errors import NotFoundError

from builder import models as m
from builder.services.apikeys import apikey_create
from builder.services.graphs import graph_import
from tests.builder.api.live import live_api  # noqa: F401
from tests.builder.api.receiver import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REPLY = "one two three four"


def chat_spec() -> dict:
    """One ``llm`` node on the fake provider: its reply streams token by token."""
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
                "config": {"fake_replies": [{"content": REPLY}]},
                "position": {"x": 0, "y": 0},
            }
        ],
        "edges": [
            {"id": "e0", "source": "__start__", "target": "llm"},
            {"id": "e1", "source": "llm", "target": "__end__"},
        ],
    }


@pytest.fixture
def key(django_user_model):
    user = django_user_model.objects.create_user("sdk2", password="pw")
    ws = m.Workspace.objects.create(slug="sdk2", name="SDK 2")
    m.Membership.objects.create(user=user, workspace=ws, role="owner")
    graph_import(workspace=ws, spec=chat_spec(), slug="chat", user=user, publish=True)
    return apikey_create(user=user)[1]


HUMAN = {"messages": [{"role": "user", "content": "hi"}]}


# --- 1. assistant versions ---------------------------------------------------------------


def test_versions_and_set_latest_decide_what_runs_use(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    made = client.assistants.create("greeter", context={"user": "v1"}, name="greeter")
    aid = made["assistant_id"]
    assert made["version"] == 1
    client.assistants.update(aid, context={"user": "v2"}, metadata={"stage": "b"})
    client.assistants.update(aid, context={"user": "v3"})
    versions = client.assistants.get_versions(aid)
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["context"]["user"] for v in versions] == ["v3", "v2", "v1"]
    assert [v["version"] for v in client.assistants.get_versions(aid, limit=1, offset=1)] == [2]
    staged = client.assistants.get_versions(aid, metadata={"stage": "b"})
    assert [v["version"] for v in staged] == [3, 2]
    assert client.runs.wait(None, aid, input={})["greeting"].startswith("hello v3")

    active = client.assistants.set_latest(aid, 1)
    assert active["version"] == 1 and active["context"] == {"user": "v1"}
    assert client.assistants.get(aid)["version"] == 1
    assert client.runs.wait(None, aid, input={})["greeting"].startswith("hello v1")
    with pytest.raises(NotFoundError):
        client.assistants.set_latest(aid, 42)


async def test_versions_async(live_api, key):  # noqa: F811
    client = get_client(url=live_api.api, api_key=key)
    made = await client.assistants.create("ticker", config={"recursion_limit": 50})
    aid = made["assistant_id"]
    await client.assistants.update(aid, config={"recursion_limit": 1000})
    versions = await client.assistants.get_versions(aid)
    assert [v["config"]["recursion_limit"] for v in versions] == [1000, 50]
    await client.assistants.set_latest(aid, 1)
    assert (await client.assistants.get(aid))["config"] == {"recursion_limit": 50}
    await client.aclose()


# --- 2 and 3. messages and events modes --------------------------------------------------


def test_messages_mode_metadata_partial_complete(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    parts = list(client.runs.stream(None, "chat", input=HUMAN, stream_mode="messages"))
    kinds = [p.event for p in parts]
    assert kinds[0] == "metadata" and kinds[-1] == "messages/complete"
    meta = [p.data for p in parts if p.event == "messages/metadata"]
    partial = [p.data for p in parts if p.event == "messages/partial"]
    complete = [p.data for p in parts if p.event == "messages/complete"]
    assert len(meta) == 1
    (message_id,) = meta[0]
    assert meta[0][message_id]["metadata"]["langgraph_node"] == "llm"
    # The message so far, growing token by token, under one id.
    contents = [p[0]["content"] for p in partial]
    assert len(contents) == len(REPLY.split()) and contents[-1] == REPLY
    assert all(b.startswith(a) for a, b in zip(contents, contents[1:], strict=False))
    assert {p[0]["id"] for p in partial} == {message_id}
    assert partial[0][0]["type"] == "ai"
    # Then the whole message once the node is done, after every partial.
    assert len(complete) == 1 and complete[0][0]["id"] == message_id
    assert complete[0][0]["content"] == REPLY and complete[0][0]["type"] == "ai"
    assert kinds.index("messages/complete") > max(
        i for i, k in enumerate(kinds) if k == "messages/partial"
    )

    tuples = list(client.runs.stream(None, "chat", input=HUMAN, stream_mode="messages-tuple"))
    chunks = [p.data for p in tuples if p.event == "messages"]
    assert "".join(c[0]["content"] for c in chunks) == REPLY
    assert all(c[1]["langgraph_node"] == "llm" for c in chunks)
    assert not [p for p in tuples if p.event.startswith("messages/")]


def test_state_and_history_serve_messages_in_langgraphs_serialized_form(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "chat", input=HUMAN)
    messages = client.threads.get_state(tid)["values"]["messages"]
    assert [(m["type"], m["content"]) for m in messages] == [("human", "hi"), ("ai", REPLY)]
    for message in messages:
        assert message["id"] and {"additional_kwargs", "response_metadata"} <= set(message)
    assert messages[1]["tool_calls"] == []
    history = client.threads.get_history(tid, limit=10)
    assert history[0]["values"]["messages"] == messages


async def test_events_mode(live_api, key):  # noqa: F811
    client = get_client(url=live_api.api, api_key=key)
    events = [
        p.data
        async for p in client.runs.stream(None, "chat", input=HUMAN, stream_mode="events")
        if p.event == "events"
    ]
    names = [(e["event"], e["name"]) for e in events]
    assert names[0] == ("on_chain_start", "LangGraph")
    assert names[-1] == ("on_chain_end", "LangGraph")
    assert ("on_chain_start", "llm") in names and ("on_chain_end", "llm") in names
    assert ("on_chat_model_start", "llm") in names and ("on_chat_model_end", "llm") in names
    stream = [e for e in events if e["event"] == "on_chat_model_stream"]
    assert "".join(e["data"]["chunk"]["content"] for e in stream) == REPLY
    root_run = events[0]["run_id"]
    for e in events:
        assert set(e) >= {"event", "name", "run_id", "tags", "metadata", "data"}
        assert e["metadata"]["run_id"] == root_run
    llm_start = next(e for e in events if e["event"] == "on_chain_start" and e["name"] == "llm")
    assert llm_start["parent_ids"] == [root_run]
    assert llm_start["data"]["input"]["messages"][0]["content"] == "hi"
    llm_end = next(e for e in events if e["event"] == "on_chain_end" and e["name"] == "llm")
    assert llm_end["data"]["output"]["messages"][0]["content"] == REPLY
    assert events[-1]["data"]["output"]["messages"][-1]["content"] == REPLY
    await client.aclose()


# --- 4. the thread stream ----------------------------------------------------------------


def test_join_thread_stream_sync(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    run = client.runs.create(
        tid, "ticker", input={"count": 0, "limit": 4}, stream_mode=["values", "updates"]
    )
    parts = []
    for part in client.threads.join_stream(tid):
        parts.append(part)
        if part.event == "metadata" and part.data.get("status") == "run_done":
            break
    started = parts[0]
    assert started.event == "metadata" and started.data["run_id"] == run["run_id"]
    assert started.data["status"] == "run_started"
    # The run's own modes: values and updates.
    assert [p.data["count"] for p in parts if p.event == "values"][-1] == 4
    assert [p.data for p in parts if p.event == "updates"][0] == {"tick": {"count": 1, "log": [1]}}
    assert parts[-1].data == {
        "run_id": run["run_id"],
        "status": "run_done",
        "run_status": "success",
    }


async def test_join_thread_stream_follows_the_next_runs_and_resumes(live_api, key):  # noqa: F811
    client = get_client(url=live_api.api, api_key=key)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "ticker", input={"count": 0, "limit": 1})  # before joining
    received = []

    async def listen(**kwargs):
        # The async client returns the iterator from a coroutine.
        async for part in await client.threads.join_stream(tid, **kwargs):
            received.append(part)
            if part.event == "metadata" and part.data.get("status") == "run_done":
                return

    # Joined while idle: nothing of the finished run, then the next run whole.
    listening = asyncio.create_task(listen(stream_mode="lifecycle"))
    await asyncio.sleep(0.3)
    second = await client.runs.create(tid, "ticker", input={"count": 0, "limit": 3})
    await asyncio.wait_for(listening, 20)
    assert [(p.event, p.data.get("status")) for p in received] == [
        ("metadata", "run_started"),
        ("metadata", "run_done"),
    ]
    assert {p.data["run_id"] for p in received} == {second["run_id"]}
    # Last-Event-ID: from just after the run_started frame, the rest of that run.
    started_id = received[0].id
    received.clear()
    await asyncio.wait_for(listen(last_event_id=started_id), 20)
    values = [p.data["count"] for p in received if p.event == "values"]
    assert values == [0, 1, 2, 3]  # the input, then each step
    assert all(p.data.get("status") != "run_started" for p in received if p.event == "metadata")
    await client.aclose()


# --- 5. context, webhook, after_seconds; 6. goto with Send -------------------------------


def test_run_context_over_assistant_context(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    aid = client.assistants.create("greeter", context={"user": "ann", "lang": "en"})["assistant_id"]
    assert client.runs.wait(None, aid, input={})["greeting"] == "hello ann in en"
    out = client.runs.wait(None, aid, input={}, context={"lang": "fr"})
    assert out["greeting"] == "hello ann in fr"
    tid = client.threads.create()["thread_id"]
    run = client.runs.create(tid, "greeter", input={}, context={"user": "bo"})
    assert client.runs.join(tid, run["run_id"])["greeting"] == "hello bo in ?"
    assert client.runs.get(tid, run["run_id"])["kwargs"]["context"] == {"user": "bo"}


async def test_command_goto_with_send_objects(live_api, key):  # noqa: F811
    client = get_client(url=live_api.api, api_key=key)
    tid = (await client.threads.create())["thread_id"]
    assert (await client.runs.wait(tid, "fanout", input={"done": []}))["done"] == ["plan"]
    out = await client.runs.wait(
        tid,
        "fanout",
        command={
            "goto": [
                {"node": "work", "input": {"item": "a"}},
                {"node": "work", "input": {"item": "b"}},
            ]
        },
    )
    assert out["done"] == ["plan", "work:a", "work:b"]
    out = await client.runs.wait(
        tid, "fanout", command={"goto": {"node": "work", "input": {"item": "c"}}}
    )
    assert out["done"][-1] == "work:c"
    out = await client.runs.wait(tid, "fanout", command={"goto": "work", "update": {"item": "d"}})
    assert out["done"][-1] == "work:d"
    await client.aclose()


def test_webhook_gets_the_final_run_after_a_retry(live_api, key):  # noqa: F811
    receiver = Receiver(failures=1)
    try:
        client = get_sync_client(url=live_api.api, api_key=key)
        tid = client.threads.create()["thread_id"]
        run = client.runs.create(
            tid, "ticker", input={"count": 0, "limit": 2}, webhook=receiver.url
        )
        assert receiver.got.wait(20), live_api.output()
        body = receiver.bodies[0]
        assert receiver.hits == 2  # a 500, then delivered
        assert body["run_id"] == run["run_id"] and body["thread_id"] == tid
        assert body["status"] == "success"
        assert body["values"]["count"] == 2
        assert body["kwargs"]["webhook"] == receiver.url
        assert "webhook_sent_at" in body
        # A run that paused reports success (as LangGraph Server), with the pause.
        receiver.got.clear()
        client.runs.wait(None, "asker", input={"question": "?"}, webhook=receiver.url)
        assert receiver.got.wait(20)
        assert receiver.bodies[-1]["status"] == "success"
    finally:
        receiver.close()


def test_after_seconds_keeps_the_run_pending(live_api, key):  # noqa: F811
    client = get_sync_client(url=live_api.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    run = client.runs.create(tid, "ticker", input={"count": 0, "limit": 1}, after_seconds=1)
    assert run["kwargs"]["after_seconds"] == 1
    time.sleep(0.5)
    assert client.runs.get(tid, run["run_id"])["status"] == "pending"
    assert client.threads.get(tid)["status"] == "busy"
    assert client.runs.join(tid, run["run_id"])["count"] == 1
    row = m.Run.objects.get(pk=run["run_id"])
    assert (row.started_at - row.created_at).total_seconds() >= 1
    assert row.status == "success"
