"""Streaming: every stream mode, several at once, and message token chunks."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

import pytest
from langchain_core.messages import AIMessage

from runtime import START, StateGraph, get_message_writer, get_stream_writer, interrupt
from runtime.checkpoint import InMemoryCheckpointer


class S(TypedDict):
    text: str
    log: Annotated[list, operator.add]


def llm_like(state):
    write = get_message_writer()
    for tok in ["Hel", "lo", "!"]:
        write({"type": "AIMessageChunk", "id": "m1", "content": tok})
    get_stream_writer()({"progress": "done"})
    return {"text": "Hello!", "log": ["llm"]}


def _app(checkpointer=None):
    g = StateGraph(S)
    g.add_node("llm", llm_like)
    g.add_node("tail", lambda s: {"log": ["tail"]})
    g.add_edge(START, "llm")
    g.add_edge("llm", "tail")
    return g.compile(checkpointer=checkpointer)


def test_values_and_updates():
    app = _app()
    assert list(app.stream({"text": "", "log": []}, stream_mode="values")) == [
        {"text": "", "log": []},
        {"text": "Hello!", "log": ["llm"]},
        {"text": "Hello!", "log": ["llm", "tail"]},
    ]
    assert list(app.stream({"text": "", "log": []})) == [  # "updates" is the default
        {"llm": {"text": "Hello!", "log": ["llm"]}},
        {"tail": {"log": ["tail"]}},
    ]


def test_messages_mode_yields_chunks_with_metadata():
    chunks = list(_app().stream({"text": "", "log": []}, stream_mode="messages"))
    assert "".join(c.content for c, _meta in chunks) == "Hello!"
    assert {type(c).__name__ for c, _meta in chunks} == {"AIMessageChunk"}
    meta = chunks[0][1]
    assert meta["langgraph_node"] == "llm"
    assert meta["langgraph_step"] == 1


def test_custom_mode():
    assert list(_app().stream({"text": "", "log": []}, stream_mode="custom")) == [
        {"progress": "done"}
    ]


def test_several_modes_yield_mode_chunk_pairs_in_order():
    items = list(
        _app().stream({"text": "", "log": []}, stream_mode=["updates", "messages", "custom"])
    )
    modes = [m for m, _ in items]
    assert modes == ["messages", "messages", "messages", "custom", "updates", "updates"]


def test_tasks_debug_and_checkpoints_modes():
    cfg = {"configurable": {"thread_id": "t"}}
    app = _app(InMemoryCheckpointer())
    items = list(
        app.stream({"text": "", "log": []}, cfg, stream_mode=["tasks", "checkpoints", "debug"])
    )
    tasks = [c for m, c in items if m == "tasks"]
    assert [("result" in t, t["name"]) for t in tasks] == [
        (False, "llm"),
        (True, "llm"),
        (False, "tail"),
        (True, "tail"),
    ]
    # LangGraph's task result shape: the writes as a dict, the error, the interrupts
    assert tasks[1] == {
        "id": tasks[0]["id"],
        "name": "llm",
        "error": None,
        "result": {"text": "Hello!", "log": ["llm"]},
        "interrupts": [],
    }
    checkpoints = [c for m, c in items if m == "checkpoints"]
    assert [c["metadata"]["step"] for c in checkpoints] == [-1, 0, 1, 2]
    assert [c["next"] for c in checkpoints] == [["__start__"], ["llm"], ["tail"], []]
    assert checkpoints[-1]["values"]["log"] == ["llm", "tail"]
    ids = [c["config"]["configurable"]["checkpoint_id"] for c in checkpoints]
    assert [c["parent_config"]["configurable"]["checkpoint_id"] for c in checkpoints[1:]] == ids[
        :-1
    ]
    stored = [h.config["configurable"]["checkpoint_id"] for h in app.get_state_history(cfg)]
    assert stored == list(reversed(ids))  # what was streamed is what was stored
    debug = [c["type"] for m, c in items if m == "debug"]
    assert (
        debug.count("checkpoint") == 4
        and debug.count("task") == 2
        and debug.count("task_result") == 2
    )


def test_interrupt_appears_in_updates_and_values_streams():
    def ask(state):
        return {"text": interrupt("question")}

    g = StateGraph(S)
    g.add_node("ask", ask)
    g.add_edge(START, "ask")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    updates = list(
        app.stream(
            {"text": "", "log": []}, {"configurable": {"thread_id": "u"}}, stream_mode="updates"
        )
    )
    assert updates[-1]["__interrupt__"][0].value == "question"
    values = list(
        app.stream(
            {"text": "", "log": []}, {"configurable": {"thread_id": "v"}}, stream_mode="values"
        )
    )
    # as LangGraph: the state at the interrupt, with the pending interrupts
    last = values[-1]
    assert last["text"] == "" and last["log"] == []
    assert [i.value for i in last["__interrupt__"]] == ["question"]


def test_breakpoint_is_an_empty_interrupt_update_and_resume_starts_with_values():
    cfg = {"configurable": {"thread_id": "b"}}
    app = _app(InMemoryCheckpointer())
    first = list(app.stream({"text": "", "log": []}, cfg, interrupt_before=["tail"]))
    assert first == [{"llm": {"text": "Hello!", "log": ["llm"]}}, {"__interrupt__": ()}]
    resumed = list(app.stream(None, cfg, stream_mode="values"))
    assert resumed == [
        {"text": "Hello!", "log": ["llm"]},  # where the run picks up, as LangGraph
        {"text": "Hello!", "log": ["llm", "tail"]},
    ]


def test_async_stream_and_early_break():
    app = _app()

    async def first_only():
        async for chunk in app.astream({"text": "", "log": []}, stream_mode="updates"):
            return chunk

    assert asyncio.run(first_only()) == {"llm": {"text": "Hello!", "log": ["llm"]}}
    gen = app.stream({"text": "", "log": []}, stream_mode="values")
    assert next(gen) == {"text": "", "log": []}
    gen.close()


def test_unknown_stream_mode_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown stream mode 'tokens'"):
        list(_app().stream({"text": "", "log": []}, stream_mode="tokens"))


def test_messages_mode_also_yields_messages_returned_whole():
    from runtime import MessagesState

    def bot(state):
        return {"messages": [AIMessage("whole answer", id="a1")]}

    def streamer(state):
        write = get_message_writer()
        write({"type": "AIMessageChunk", "id": "a2", "content": "tok"})
        return {"messages": [AIMessage("tok", id="a2")]}

    g = StateGraph(MessagesState)
    g.add_node("bot", bot)
    g.add_node("streamer", streamer)
    g.add_edge(START, "bot")
    g.add_edge("bot", "streamer")
    items = list(g.compile().stream({"messages": [("user", "hi")]}, stream_mode="messages"))
    assert [(m.content, meta["langgraph_node"]) for m, meta in items] == [
        ("whole answer", "bot"),
        ("tok", "streamer"),  # the streamed chunk only, not the final message again
    ]


def test_failed_task_result_carries_the_exception_and_no_checkpoints_without_a_saver():
    def boom(state):
        raise KeyError("down")

    g = StateGraph(S)
    g.add_node("boom", boom)
    g.add_edge(START, "boom")
    items: list = []
    with pytest.raises(KeyError):
        for item in g.compile().stream({"text": "", "log": []}, stream_mode=["tasks", "debug"]):
            items.append(item)
    result = [c for m, c in items if m == "tasks" and "result" in c][0]
    assert isinstance(result["error"], KeyError) and result["result"] == {}
    # as LangGraph: without a checkpointer nothing is saved, so no checkpoint events
    assert [c["type"] for m, c in items if m == "debug"] == ["task", "task_result"]


def test_task_result_folds_repeated_writes_of_one_key():
    from runtime.pregel.loop import task_result

    writes = [("a", 1), ("b", 2), ("a", 3), ("a", 4), ("hidden", 5)]
    assert task_result(writes, ("a", "b")) == {"a": {"$writes": [1, 3, 4]}, "b": 2}
