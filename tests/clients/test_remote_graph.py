"""RemoteGraph (runtime.pregel.remote, LangGraph's name at LangGraph's path) against a
live daphne: invoke, stream, get_state, update_state, history, and as a subgraph (a
node) of a local runtime graph."""

from __future__ import annotations

import operator
import uuid
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, Command, StateGraph
from runtime.checkpoint import InMemoryCheckpointer
from runtime.pregel.remote import RemoteException, RemoteGraph

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.clients]


def thread_config() -> dict:
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


def test_invoke_state_update_and_history(server, key):
    asker = RemoteGraph("asker", url=server.api, api_key=key)
    config = thread_config()
    paused = asker.invoke({"question": "q"}, config)
    assert paused["question"] == "q" and paused["__interrupt__"][0]["value"] == {"question": "q"}
    state = asker.get_state(config)
    assert state.next == ("ask",) and state.interrupts[0].value == {"question": "q"}
    done = asker.invoke(Command(resume="yes"), config)
    assert done == {"question": "q", "answer": "yes"}
    written = asker.update_state(config, {"question": "edited"})
    assert written["configurable"]["checkpoint_id"] != state.config["configurable"]["checkpoint_id"]
    done = asker.get_state(config).values
    assert done == {"question": "edited", "answer": "yes"}
    history = list(asker.get_state_history(config, limit=20))
    assert history[0].values == done and history[-1].metadata["step"] == -1
    older = list(asker.get_state_history(config, before=history[0].config))
    assert [h.config for h in older] == [h.config for h in history[1:11]]
    drawn = asker.get_graph()
    assert {"id": "ask", "type": "runnable", "data": {"name": "ask"}} in drawn["nodes"]


async def test_stream_modes_and_stateless_runs(server, key):
    ticker = RemoteGraph("ticker", url=server.api, api_key=key)
    updates = list(ticker.stream({"count": 0, "limit": 2}, thread_config()))
    assert updates == [{"tick": {"count": 1, "log": [1]}}, {"tick": {"count": 2, "log": [2]}}]
    both = [c async for c in ticker.astream({"count": 0, "limit": 1}, stream_mode=["values"])]
    assert both[-1] == ("values", {"count": 1, "limit": 1, "log": [1]})
    assert (await ticker.ainvoke({"count": 0, "limit": 3}))["log"] == [1, 2, 3]


class Local(TypedDict, total=False):
    count: int
    limit: int
    log: Annotated[list, operator.add]
    note: str


def test_as_a_subgraph_of_a_local_runtime_graph(server, key):
    def before(state: Local) -> dict:
        return {"note": "local", "limit": 3}

    local = StateGraph(Local)
    local.add_node("before", before)
    local.add_node("remote", RemoteGraph("ticker", url=server.api, api_key=key))
    local.add_edge(START, "before")
    local.add_edge("before", "remote")
    local.add_edge("remote", END)
    app = local.compile(checkpointer=InMemoryCheckpointer())
    config = thread_config()
    out = app.invoke({"count": 0}, config)
    assert out["note"] == "local" and out["count"] == 3
    # The remote graph ran on the local thread's id, on the server.
    remote = RemoteGraph("ticker", url=server.api, api_key=key).get_state(config)
    assert remote.values["count"] == 3

    asking = StateGraph(Local)
    asking.add_node("remote", RemoteGraph("asker", url=server.api, api_key=key))
    asking.add_edge(START, "remote")
    with pytest.raises(RemoteException, match="paused"):
        asking.compile().invoke({"note": "x"}, thread_config())
