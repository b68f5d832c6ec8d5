"""LangGraph's own RemoteGraph (langgraph.pregel.remote) against a server: invoke,
get_state, history, update_state, stream, a stateless invoke, get_graph, and as a
subgraph of a local LangGraph graph. Not part of CI (the project does not depend on
langgraph); run it with a Python that has langgraph 1.2, once per server, e.g.

    /tmp/lgdev-venv/bin/python tests/clients/remote_check.py http://127.0.0.1:2024
    /tmp/lgdev-venv/bin/python tests/clients/remote_check.py http://127.0.0.1:8000/api KEY

Each line says ok or FAIL with what came back; both servers serve
tests/clients/reference.
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.pregel.remote import RemoteGraph
from langgraph_sdk import get_sync_client


def show(label: str, call: Any) -> None:
    try:
        print(f"ok   {label}: {json.dumps(call(), default=str)[:160]}")
    except Exception as exc:  # a failing call is what this script reports
        print(f"FAIL {label}: {type(exc).__name__}: {str(exc)[:200]}")


class Local(TypedDict, total=False):
    count: int
    limit: int
    log: list
    note: str


def main(url: str, key: str | None) -> None:
    headers = {"X-Api-Key": key} if key else None
    asker = RemoteGraph("asker", url=url, headers=headers)
    ticker = RemoteGraph("ticker", url=url, headers=headers)
    tid = str(uuid.uuid4())
    config = {"configurable": {"thread_id": tid}}
    get_sync_client(url=url, api_key=key).threads.create(thread_id=tid)
    show("invoke", lambda: asker.invoke({"question": "q"}, config))
    show("get_state", lambda: asker.get_state(config))
    show("get_state_history", lambda: list(asker.get_state_history(config))[:2])
    show("update_state", lambda: asker.update_state(config, {"question": "edited"}))
    fresh = {"configurable": {"thread_id": str(uuid.uuid4())}}
    show("stream", lambda: list(asker.stream({"question": "z"}, fresh, stream_mode=["values"])))
    show("stateless invoke", lambda: ticker.invoke({"count": 0, "limit": 2}))
    show("get_graph", lambda: ticker.get_graph().to_json()["nodes"][:2])

    local = StateGraph(Local)
    local.add_node("before", lambda state: {"note": "local"})
    local.add_node("remote", ticker)
    local.add_edge(START, "before")
    local.add_edge("before", "remote")
    local.add_edge("remote", END)
    app = local.compile(checkpointer=InMemorySaver())
    inner = {"configurable": {"thread_id": str(uuid.uuid4())}}
    show("as a subgraph", lambda: app.invoke({"count": 0, "limit": 3}, inner))
    inner = {"configurable": {"thread_id": str(uuid.uuid4())}}
    stream = app.stream({"count": 0, "limit": 2}, inner, stream_mode="updates", subgraphs=True)
    show("as a subgraph, streamed", lambda: list(stream))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
