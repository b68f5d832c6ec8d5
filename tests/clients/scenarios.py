"""Calls of the official Python SDK (langgraph_sdk, sync client) over its whole surface,
each scenario recording what the server answered, step by step.

The same scenarios run against Switchyard (tests/clients/test_python_sdk.py, in CI) and,
by ``python -m tests.clients.compare``, against both Switchyard and ``langgraph dev``
serving the same graphs (tests/clients/reference), whose answers are then diffed.

A scenario is ``fn(client) -> list[(step, payload)]``; a step that raises records
``{"raised": <error class>, "status": <HTTP status>}``, so a refusal is an answer too.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

Steps = list[tuple[str, Any]]
Scenario = Callable[[Any], Steps]

CHAT_INPUT = {"messages": [{"role": "user", "content": "oslo"}]}
LONG = {"recursion_limit": 1000}
SCENARIOS: dict[str, Scenario] = {}


def scenario(fn: Scenario) -> Scenario:
    SCENARIOS[fn.__name__] = fn
    return fn


def attempt(fn: Callable[[], Any]) -> Any:
    """The call's answer, or what it raised (class and HTTP status)."""
    try:
        return fn()
    except httpx.HTTPStatusError as exc:
        return {"raised": type(exc).__name__, "status": exc.response.status_code}
    except Exception as exc:
        return {"raised": type(exc).__name__, "message": str(exc)[:120]}


def parts(stream: Any) -> list[dict[str, Any]]:
    """An SSE stream as ``[{event, data}]`` (the SDK's StreamPart tuples)."""
    return [{"event": p.event, "data": p.data} for p in stream]


def wait_status(client: Any, thread_id: str, run_id: str, wanted: set[str]) -> str:
    deadline = time.monotonic() + 20
    while True:
        status = client.runs.get(thread_id, run_id)["status"]
        if status in wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


# --- assistants -------------------------------------------------------------------------


@scenario
def assistants(client: Any) -> Steps:
    steps: Steps = []
    found = client.assistants.search(graph_id="chat", metadata={"created_by": "system"})
    steps.append(("search system chat", found))
    default = found[0]
    steps.append(("get", client.assistants.get(default["assistant_id"])))
    steps.append(("get_graph", client.assistants.get_graph(default["assistant_id"])))
    steps.append(
        ("get_schemas keys", sorted(client.assistants.get_schemas(default["assistant_id"])))
    )
    name = f"mine-{uuid.uuid4().hex[:8]}"
    made = client.assistants.create("asker", config={"tags": ["x"]}, name=name)
    steps.append(("create", made))
    aid = made["assistant_id"]
    steps.append(("update", client.assistants.update(aid, metadata={"team": "a"})))
    steps.append(("get_versions", client.assistants.get_versions(aid)))
    steps.append(("set_latest", client.assistants.set_latest(aid, 1)))
    steps.append(("count", client.assistants.count(graph_id="asker", name=name)))
    steps.append(("delete", client.assistants.delete(aid)))
    steps.append(("get deleted", attempt(lambda: client.assistants.get(aid))))
    return steps


# --- threads ----------------------------------------------------------------------------


@scenario
def threads(client: Any) -> Steps:
    steps: Steps = []
    owner = uuid.uuid4().hex
    thread = client.threads.create(metadata={"owner": owner}, graph_id="asker")
    tid = thread["thread_id"]
    steps.append(("create", thread))
    steps.append(("get", client.threads.get(tid)))
    steps.append(("update", client.threads.update(tid, metadata={"k": 1})))
    steps.append(("search by metadata", client.threads.search(metadata={"owner": owner, "k": 1})))
    steps.append(("count", client.threads.count(metadata={"owner": owner})))
    steps.append(("get_state empty", client.threads.get_state(tid)))
    steps.append(("get_history empty", client.threads.get_history(tid)))
    again = attempt(lambda: client.threads.create(thread_id=tid))
    steps.append(("create existing", again))
    steps.append(
        ("create do_nothing", client.threads.create(thread_id=tid, if_exists="do_nothing"))
    )
    copy = client.threads.copy(tid)
    steps.append(("copy", copy))
    steps.append(("delete", client.threads.delete(tid)))
    steps.append(("get deleted", attempt(lambda: client.threads.get(tid))))
    return steps


@scenario
def thread_supersteps(client: Any) -> Steps:
    thread = client.threads.create(
        graph_id="asker",
        supersteps=[
            {"updates": [{"values": {"question": "why?"}, "as_node": "ask"}]},
            {"updates": [{"values": {"answer": "because"}, "as_node": "ask"}]},
        ],
    )
    tid = thread["thread_id"]
    history = client.threads.get_history(tid)
    return [
        ("create", thread),
        ("state", client.threads.get_state(tid)),
        ("history sources", [h["metadata"].get("source") for h in history]),
    ]


# --- runs on a thread -------------------------------------------------------------------


@scenario
def chat_interrupt_resume(client: Any) -> Steps:
    steps: Steps = []
    tid = client.threads.create()["thread_id"]
    streamed = parts(
        client.runs.stream(tid, "chat", input=CHAT_INPUT, stream_mode=["values", "updates"])
    )
    steps.append(("stream values+updates", streamed))
    steps.append(("thread interrupted", client.threads.get(tid)))
    steps.append(("state", client.threads.get_state(tid)))
    resumed = parts(client.runs.stream(tid, "chat", command={"resume": "yes"}))
    steps.append(("resume stream (default mode)", resumed))
    steps.append(("thread idle", client.threads.get(tid)))
    history = client.threads.get_history(tid, limit=3)
    steps.append(("history limit 3", history))
    steps.append(("runs list", client.runs.list(tid)))
    late = attempt(lambda: client.runs.wait(tid, "chat", command={"resume": "again"}))
    steps.append(("late resume", late))
    steps.append(("state after late resume", client.threads.get_state(tid)["values"]))
    return steps


@scenario
def history_before(client: Any) -> Steps:
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "asker", input={"question": "q"})
    client.runs.wait(tid, "asker", command={"resume": "a"})
    history = client.threads.get_history(tid)
    older = attempt(lambda: client.threads.get_history(tid, before=history[1]["checkpoint"]))
    return [("history", history), ("before a checkpoint object", older)]


@scenario
def stream_modes(client: Any) -> Steps:
    steps: Steps = []
    for mode in ("values", "updates", "messages-tuple", "messages", "debug", "tasks", "custom"):
        tid = client.threads.create()["thread_id"]
        steps.append(
            (mode, parts(client.runs.stream(tid, "chat", input=CHAT_INPUT, stream_mode=mode)))
        )
    tid = client.threads.create()["thread_id"]
    checkpoints = parts(
        client.runs.stream(tid, "asker", input={"question": "q"}, stream_mode="checkpoints")
    )
    steps.append(("checkpoints", checkpoints))
    return steps


@scenario
def wait_and_join(client: Any) -> Steps:
    steps: Steps = []
    tid = client.threads.create()["thread_id"]
    steps.append(("wait interrupted", client.runs.wait(tid, "asker", input={"question": "q"})))
    steps.append(("wait resume", client.runs.wait(tid, "asker", command={"resume": "a"})))
    # A thread runs one graph on Switchyard (LangGraph lets a thread change graphs).
    tid = client.threads.create()["thread_id"]
    run = client.runs.create(tid, "ticker", input={"count": 0, "limit": 3}, config=LONG)
    steps.append(("create", run))
    steps.append(("join", client.runs.join(tid, run["run_id"])))
    steps.append(("get", client.runs.get(tid, run["run_id"])))
    joined = parts(client.runs.join_stream(tid, run["run_id"]))
    steps.append(("join_stream finished run", joined))
    run = client.runs.create(tid, "ticker", input={"count": 0, "limit": 3}, config=LONG)
    steps.append(("join_stream running run", parts(client.runs.join_stream(tid, run["run_id"]))))
    steps.append(("delete", client.runs.delete(tid, run["run_id"])))
    steps.append(("get deleted", attempt(lambda: client.runs.get(tid, run["run_id"]))))
    return steps


@scenario
def cancel(client: Any) -> Steps:
    steps: Steps = []
    for action in ("interrupt", "rollback"):
        tid = client.threads.create()["thread_id"]
        run = client.runs.create(tid, "ticker", input={"count": 0, "limit": 200}, config=LONG)
        wait_status(client, tid, run["run_id"], {"running"})
        time.sleep(0.3)
        client.runs.cancel(tid, run["run_id"], wait=True, action=action)
        got = attempt(lambda tid=tid, rid=run["run_id"]: client.runs.get(tid, rid))
        steps.append((f"{action}: run", got))
        steps.append((f"{action}: thread status", client.threads.get(tid)["status"]))
        steps.append((f"{action}: runs", [r["status"] for r in client.runs.list(tid)]))
    return steps


@scenario
def replay_before_answered_interrupt(client: Any) -> Steps:
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "asker", input={"question": "q"})
    client.runs.wait(tid, "asker", command={"resume": "a"})
    history = client.threads.get_history(tid)
    paused = next(h for h in history if h["next"] == ["ask"])
    replay = client.runs.wait(tid, "asker", input=None, checkpoint=paused["checkpoint"])
    return [
        ("replay", replay),
        ("thread", client.threads.get(tid)["status"]),
        ("state next", client.threads.get_state(tid)["next"]),
    ]


@scenario
def update_state_and_fork(client: Any) -> Steps:
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "asker", input={"question": "q"})
    updated = client.threads.update_state(tid, {"question": "edited"})
    state = client.threads.get_state(tid)
    at = client.threads.get_state(tid, checkpoint=updated["checkpoint"])
    return [("update_state", updated), ("state", state), ("state at checkpoint", at)]


# --- stateless runs, parameters ----------------------------------------------------------


@scenario
def stateless(client: Any) -> Steps:
    steps: Steps = []
    steps.append(("wait", client.runs.wait(None, "asker", input={"question": "q"})))
    steps.append(("stream", parts(client.runs.stream(None, "chat", input=CHAT_INPUT))))
    return steps


@scenario
def run_parameters(client: Any) -> Steps:
    steps: Steps = []
    for name, kwargs in [
        ("durability exit", {"durability": "exit"}),
        ("on_disconnect continue", {"on_disconnect": "continue"}),
        ("after_seconds 0", {"after_seconds": 0}),
        ("checkpoint_during", {"checkpoint_during": False}),
    ]:
        tid = client.threads.create()["thread_id"]
        out = attempt(
            lambda kwargs=kwargs, tid=tid: client.runs.wait(
                tid, "ticker", input={"count": 0, "limit": 2}, **kwargs
            )
        )
        steps.append((name, out))
    fresh = str(uuid.uuid4())
    made = attempt(
        lambda: client.runs.wait(fresh, "asker", input={"question": "q"}, if_not_exists="create")
    )
    steps.append(("if_not_exists create", made))
    tid = client.threads.create()["thread_id"]
    streamed = attempt(
        lambda: parts(
            client.runs.stream(
                tid, "ticker", input={"count": 0, "limit": 2}, feedback_keys=["score"]
            )
        )
    )
    steps.append(("stream feedback_keys", streamed))
    return steps


# --- store ------------------------------------------------------------------------------


@scenario
def store(client: Any) -> Steps:
    steps: Steps = []
    ns = ["cmp", "store"]
    for item in client.store.search_items(ns, limit=100)["items"]:
        client.store.delete_item(item["namespace"], item["key"])
    steps.append(("put", client.store.put_item(ns, "k", {"v": 1})))
    item = client.store.get_item(ns, "k")
    steps.append(("get", item))
    steps.append(("get missing", attempt(lambda: client.store.get_item(ns, "nope"))))
    steps.append(("search", client.store.search_items(ns[:1], filter={"v": 1})))
    steps.append(("namespaces", client.store.list_namespaces(prefix=ns)))
    steps.append(("delete", client.store.delete_item(ns, "k")))
    steps.append(("get deleted", attempt(lambda: client.store.get_item(ns, "k"))))
    return steps
