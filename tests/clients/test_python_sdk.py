"""The official Python SDK (langgraph_sdk, sync and async) against a live daphne serving
the reference graphs: every scenario of tests/clients/scenarios.py, answers checked
against what LangGraph Server (``langgraph dev``) answers to the same calls."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk import get_client, get_sync_client

from tests.clients.scenarios import CHAT_INPUT, SCENARIOS, parts, wait_status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.clients]

MESSAGE_KEYS = {"content", "additional_kwargs", "response_metadata", "type", "name", "id"}


def run(name, server, key) -> dict:
    return dict(SCENARIOS[name](get_sync_client(url=server.api, api_key=key)))


def test_chat_interrupt_and_resume(server, key):
    steps = run("chat_interrupt_resume", server, key)
    streamed = steps["stream values+updates"]
    assert [p["event"] for p in streamed] == [
        "metadata",
        "values",
        "updates",
        "values",
        "updates",
        "values",
    ]
    human, ai = streamed[3]["data"]["messages"]
    assert MESSAGE_KEYS <= set(human) and human["type"] == "human" and "role" not in human
    assert ai["type"] == "ai" and ai["tool_calls"][0]["name"] == "weather"
    (interrupt,) = streamed[4]["data"]["__interrupt__"]
    assert (
        interrupt["value"]["question"] == "run the tool?" and interrupt["response_schema"] is None
    )
    # values repeats the state with the pause, also when updates is streamed too.
    assert streamed[5]["data"]["__interrupt__"] == [interrupt]
    assert streamed[5]["data"]["messages"] == streamed[3]["data"]["messages"]

    thread = steps["thread interrupted"]
    assert thread["status"] == "interrupted"
    ((task_id, pending),) = thread["interrupts"].items()
    assert pending == [{"id": interrupt["id"], "value": interrupt["value"]}]
    state = steps["state"]
    assert state["next"] == ["approve"] and state["tasks"][0]["id"] == task_id
    assert state["checkpoint_id"] == state["checkpoint"]["checkpoint_id"]

    resumed = steps["resume stream (default mode)"]
    assert {p["event"] for p in resumed} == {"metadata", "values"}
    final = resumed[-1]["data"]["messages"]
    assert [m["type"] for m in final] == ["human", "ai", "tool", "ai"]
    assert final[-1]["content"] == "It is snowy."
    assert steps["thread idle"]["status"] == "idle" and steps["thread idle"]["interrupts"] == {}
    # A run that paused ended well: LangGraph reports it as a success.
    assert [r["status"] for r in steps["runs list"]] == ["success", "success"]
    # A late answer is refused and changes nothing (LangGraph's server accepts it).
    assert steps["late resume"]["status"] == 409
    assert steps["state after late resume"] == resumed[-1]["data"]


def test_history_before_a_checkpoint_object(server, key):
    steps = run("history_before", server, key)
    history, older = steps["history"], steps["before a checkpoint object"]
    assert [h["checkpoint_id"] for h in older] == [h["checkpoint_id"] for h in history[2:]]


def test_every_stream_mode(server, key):
    steps = run("stream_modes", server, key)
    for mode, streamed in steps.items():
        names = {p["event"] for p in streamed}
        assert streamed[0]["event"] == "metadata" and "end" not in names, mode
    assert {p["event"] for p in steps["messages-tuple"]} == {"metadata", "messages"}
    chunk, metadata = steps["messages-tuple"][1]["data"]
    assert chunk["type"] == "ai" and metadata["graph_id"] == "chat"
    assert metadata["langgraph_node"] == "agent" and metadata["run_attempt"] == 1
    kinds = [p["event"] for p in steps["messages"]]
    assert kinds[1:] == ["messages/metadata", "messages/complete"]
    tasks = [p["data"] for p in steps["tasks"][1:]]
    assert tasks[0]["input"]["messages"][0]["type"] == "human"
    assert {p["event"] for p in steps["checkpoints"][1:]} == {"checkpoints"}
    assert {p["event"] for p in steps["debug"][1:]} == {"debug"}
    assert [p["event"] for p in steps["custom"]] == ["metadata"]


def test_wait_join_and_join_stream(server, key):
    steps = run("wait_and_join", server, key)
    assert steps["wait interrupted"]["__interrupt__"][0]["value"] == {"question": "q"}
    assert steps["wait resume"] == {"question": "q", "answer": "a"}
    run_ = steps["create"]
    assert run_["status"] == "pending" and run_["multitask_strategy"] == "enqueue"
    assert run_["metadata"]["graph_id"] == "ticker"
    assert steps["join"]["count"] == 3 and steps["get"]["status"] == "success"
    # Joining with the SDK's default arguments (an empty stream_mode) works; the log
    # replays what the finished run streamed.
    assert steps["join_stream finished run"][-1]["data"]["count"] == 3
    assert steps["join_stream running run"][-1]["data"]["count"] == 3
    assert steps["get deleted"] == {"raised": "NotFoundError", "status": 404}


def test_cancel_interrupt_and_rollback(server, key):
    steps = run("cancel", server, key)
    assert steps["interrupt: run"]["status"] == "interrupted"
    assert steps["interrupt: runs"] == ["interrupted"]
    # Stopped with nodes left to run: the thread reads as interrupted, as on LangGraph.
    assert steps["interrupt: thread status"] == "interrupted"
    assert steps["rollback: run"] == {"raised": "NotFoundError", "status": 404}
    assert steps["rollback: thread status"] == "idle" and steps["rollback: runs"] == []


def test_threads_assistants_supersteps_and_store(server, key):
    threads = run("threads", server, key)
    assert threads["create"]["metadata"]["graph_id"] == "asker"
    assert threads["count"] == 1 and len(threads["search by metadata"]) == 1
    assert threads["get_state empty"]["checkpoint"] is None
    assert threads["create existing"] == {"raised": "ConflictError", "status": 409}
    assert threads["get deleted"] == {"raised": "NotFoundError", "status": 404}

    supersteps = run("thread_supersteps", server, key)
    assert supersteps["state"]["values"] == {"question": "why?", "answer": "because"}
    assert supersteps["history sources"][:2] == ["update", "update"]

    assistants = run("assistants", server, key)
    drawn = assistants["get_graph"]
    assert {"id": "__end__"} in drawn["nodes"]
    assert {"id": "agent", "type": "runnable", "data": {"name": "agent"}} in drawn["nodes"]
    assert assistants["count"] == 1 and assistants["get_versions"][0]["version"] == 2

    store = run("store", server, key)
    assert store["get"]["value"] == {"v": 1} and "score" not in store["get"]
    assert store["get missing"] is None and store["get deleted"] is None
    assert store["search"]["items"][0]["score"] is None


def test_unsupported_options_are_refused_not_ignored(server, key):
    steps = run("run_parameters", server, key)
    assert steps["durability exit"]["count"] == 2  # honoured: only the final state is saved
    # (runs.wait raises httpx's error, runs.stream the SDK's.)
    assert steps["checkpoint_during"]["status"] == 422
    assert steps["stream feedback_keys"] == {"raised": "UnprocessableEntityError", "status": 422}
    assert steps["on_disconnect continue"]["count"] == 2
    assert steps["after_seconds 0"]["count"] == 2
    assert steps["if_not_exists create"]["__interrupt__"]


async def test_async_client_streams_waits_and_resumes(server, key):
    client = get_client(url=server.api, api_key=key)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    streamed = [p async for p in client.runs.stream(tid, "chat", input=CHAT_INPUT)]
    assert [p.event for p in streamed] == ["metadata", "values", "values", "values"]
    assert "__interrupt__" in streamed[-1].data
    final = await client.runs.wait(tid, "chat", command={"resume": "no"}, durability="sync")
    assert final["messages"][-1]["content"] == "The tool call was refused."
    with pytest.raises(httpx.HTTPStatusError) as late:
        await client.runs.wait(tid, "chat", command={"resume": "yes"})
    assert late.value.response.status_code == 409
    run_ = await client.runs.create(tid, "chat", input=CHAT_INPUT)
    joined = [p async for p in client.runs.join_stream(tid, run_["run_id"])]
    assert joined[-1].data["__interrupt__"]
    assert await client.store.get_item(["nowhere"], "nothing") is None
    await client.aclose()


def test_sync_client_with_default_arguments(server, key):
    client = get_sync_client(url=server.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    out = client.runs.wait(tid, "asker", input={"question": "q"})
    assert out["__interrupt__"]
    run_ = client.runs.create(tid, "asker", command={"resume": "a"})
    joined = parts(client.runs.join_stream(tid, run_["run_id"]))
    assert joined[-1] == {"event": "values", "data": {"question": "q", "answer": "a"}}
    assert client.threads.get(tid)["status"] == "idle"


def test_on_disconnect_cancel_is_honoured_for_waits_and_refused_for_background_runs(server, key):
    client = get_sync_client(url=server.api, api_key=key)
    tid = client.threads.create()["thread_id"]
    body = {"assistant_id": "ticker", "input": {"count": 0, "limit": 200}}
    headers = {"X-Api-Key": key}
    with httpx.Client(base_url=server.api, headers=headers, timeout=30) as http:
        refused = http.post(f"/threads/{tid}/runs", json={**body, "on_disconnect": "cancel"})
        assert refused.status_code == 422 and "on_disconnect" in refused.json()["error"]["message"]
        wait = {**body, "on_disconnect": "cancel", "config": {"recursion_limit": 1000}}
        with http.stream("POST", f"/threads/{tid}/runs/wait", json=wait) as response:
            run_url = response.headers["content-location"]
            run_id = run_url.rsplit("/", 1)[1]
            wait_status(client, tid, run_id, {"running"})
        # Hung up before the end: the run is cancelled, not left running.
        assert wait_status(client, tid, run_id, {"interrupted", "success"}) == "interrupted"
