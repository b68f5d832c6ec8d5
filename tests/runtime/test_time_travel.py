"""Persistence and time travel: history, update_state, forks, replay from a checkpoint."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from runtime import START, StateGraph
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import InvalidUpdateError, SerializationError


class S(TypedDict):
    topic: str
    joke: str
    log: Annotated[list, operator.add]


def _app(counter=None):
    counter = counter if counter is not None else {"n": 0}

    def generate_topic(state):
        return {"topic": "cats", "log": ["topic"]}

    def write_joke(state):
        counter["n"] += 1
        return {"joke": f"joke #{counter['n']} about {state['topic']}", "log": ["joke"]}

    g = StateGraph(S)
    g.add_node("generate_topic", generate_topic)
    g.add_node("write_joke", write_joke)
    g.add_edge(START, "generate_topic")
    g.add_edge("generate_topic", "write_joke")
    return g.compile(checkpointer=InMemoryCheckpointer()), counter


CFG = {"configurable": {"thread_id": "jokes"}}


def test_history_newest_first_with_sources_and_steps():
    app, _ = _app()
    app.invoke({"log": []}, CFG)
    history = list(app.get_state_history(CFG))
    assert [(h.metadata["source"], h.metadata["step"]) for h in history] == [
        ("loop", 2),
        ("loop", 1),
        ("loop", 0),
        ("input", -1),
    ]
    assert [h.next for h in history] == [(), ("write_joke",), ("generate_topic",), ("__start__",)]
    ids = [h.config["configurable"]["checkpoint_id"] for h in history]
    assert ids == sorted(ids, reverse=True)  # ids sort by time
    assert history[0].parent_config["configurable"]["checkpoint_id"] == ids[1]
    assert list(app.get_state_history(CFG, limit=1))[0].values["joke"].startswith("joke #1")
    assert [h.metadata["step"] for h in app.get_state_history(CFG, filter={"source": "input"})] == [
        -1
    ]
    assert [h.metadata["step"] for h in app.get_state_history(CFG, before=history[1].config)] == [
        0,
        -1,
    ]


def test_fork_from_a_past_checkpoint_with_update_state_then_run():
    app, counter = _app()
    app.invoke({"log": []}, CFG)
    history = list(app.get_state_history(CFG))
    before_joke = next(h for h in history if h.next == ("write_joke",))
    fork_cfg = app.update_state(before_joke.config, {"topic": "chickens"})
    fork = app.get_state(fork_cfg)
    assert fork.metadata["source"] == "update"  # as LangGraph: an update, on a new branch
    assert fork.parent_config == before_joke.config
    assert fork.metadata["step"] == before_joke.metadata["step"] + 1
    assert fork.next == ("write_joke",)
    assert fork.values["topic"] == "chickens"
    out = app.invoke(None, fork_cfg)
    assert out["joke"] == "joke #2 about chickens"
    assert counter["n"] == 2
    # the old branch is still there
    old = app.get_state(history[0].config)
    assert old.values["joke"] == "joke #1 about cats"
    assert app.get_state(CFG).values["joke"] == "joke #2 about chickens"


def test_replay_from_checkpoint_re_executes_what_follows():
    app, counter = _app()
    app.invoke({"log": []}, CFG)
    before_joke = next(h for h in app.get_state_history(CFG) if h.next == ("write_joke",))
    out = app.invoke(None, before_joke.config)
    assert out["joke"] == "joke #2 about cats"
    assert counter["n"] == 2
    history = list(app.get_state_history(CFG))
    # a new branch: a fork of the checkpoint (its child, next step number), then the step
    assert [(h.metadata["source"], h.metadata["step"]) for h in history[:2]] == [
        ("loop", 3),
        ("fork", 2),
    ]
    assert history[1].parent_config == before_joke.config and len(history) == 6


def test_update_state_on_latest_is_an_update_and_runs_edges_of_as_node():
    app, _ = _app()
    app.invoke({"log": []}, CFG)
    cfg = app.update_state(CFG, {"joke": "edited"})
    snap = app.get_state(cfg)
    assert snap.metadata["source"] == "update"
    assert snap.values["joke"] == "edited"
    assert snap.next == ()
    cfg = app.update_state(CFG, {"topic": "dogs"}, as_node="generate_topic")
    assert app.get_state(cfg).next == ("write_joke",)
    assert app.invoke(None, CFG)["joke"].endswith("about dogs")
    with pytest.raises(InvalidUpdateError, match="Node ghost does not exist"):
        app.update_state(CFG, {"topic": "x"}, as_node="ghost")


def test_update_state_with_reducer_appends():
    app, _ = _app()
    app.invoke({"log": []}, CFG)
    app.update_state(CFG, {"log": ["manual"]}, as_node="write_joke")
    assert app.get_state(CFG).values["log"] == ["topic", "joke", "manual"]


def test_unserialisable_value_fails_at_write_naming_node_and_channel():
    class Thing:
        pass

    class T(TypedDict):
        thing: object
        log: Annotated[list, operator.add]

    g = StateGraph(T)
    g.add_node("maker", lambda s: {"thing": Thing()})
    g.add_edge(START, "maker")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    with pytest.raises(SerializationError, match="'maker'.*'thing'"):
        app.invoke({"log": []}, {"configurable": {"thread_id": "bad"}}, durability="sync")


def test_storage_grows_linearly_with_append_only_channels():
    from tests.runtime.checkpointer_conformance import _chat_graph

    cp = InMemoryCheckpointer()
    app = _chat_graph(cp)
    app.invoke(
        {"messages": [("user", "hi")]}, {"configurable": {"thread_id": "c"}, "recursion_limit": 100}
    )
    message_blobs = [v for k, v in cp.blobs.items() if k[2] == "messages"]
    kinds = [kind for kind, _data, _base in message_blobs]
    assert kinds.count("full") == 1  # the first write; every later step stores a delta
    assert kinds.count("delta") == len(kinds) - 1
    total = sum(len(data or "") for _k, data, _b in message_blobs)
    last = cp.get_tuple({"configurable": {"thread_id": "c"}}).checkpoint.channel_values["messages"]
    from runtime.checkpoint import serde

    assert total < 1.5 * len(serde.dumps(last))


def test_copy_and_delete_thread_through_the_checkpointer():
    app, _ = _app()
    app.invoke({"log": []}, CFG)
    app.checkpointer.copy_thread("jokes", "jokes-copy")
    copy_cfg = {"configurable": {"thread_id": "jokes-copy"}}
    assert app.get_state(copy_cfg).values == app.get_state(CFG).values
    app.checkpointer.delete_thread("jokes")
    assert app.get_state(CFG).values == {}
    assert app.get_state(copy_cfg).values["topic"] == "cats"
