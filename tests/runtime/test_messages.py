"""Messages as LangGraph has them: LangChain message objects in the state, checkpoints and
the ``messages`` stream (chat-model tokens, returned messages, push_message)."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from runtime import START, MessagesState, StateGraph, push_message
from runtime.checkpoint import InMemoryCheckpointer, serde
from runtime.messages import jsonable


def _one_node(fn: Any, **compile_kwargs: Any) -> Any:
    g = StateGraph(MessagesState)
    g.add_node("node", fn)
    g.add_edge(START, "node")
    return g.compile(**compile_kwargs)


def test_checkpoints_store_and_load_message_objects():
    def reply(state):
        return {
            "messages": [
                AIMessage("", id="a1", tool_calls=[{"id": "c1", "name": "f", "args": {"x": 1}}]),
                ToolMessage("done", tool_call_id="c1", id="t1"),
            ]
        }

    app = _one_node(reply, checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "m"}}
    out = app.invoke({"messages": [("user", "go")]}, cfg)
    stored = app.get_state(cfg).values["messages"]
    assert stored == out["messages"]
    assert [type(m) for m in stored] == [HumanMessage, AIMessage, ToolMessage]
    assert stored[1].tool_calls[0]["args"] == {"x": 1}
    text = serde.dumps(stored)
    assert '"type":"ai"' in text and serde.loads(text) == stored


def test_jsonable_is_langgraph_servers_serialized_form():
    message = AIMessage("hi", id="a1", tool_calls=[{"id": "c", "name": "f", "args": {}}])
    out = jsonable({"messages": [message, HumanMessage("yo", id="h1")]})
    first, second = out["messages"]
    assert first["type"] == "ai" and first["id"] == "a1" and first["content"] == "hi"
    assert first["tool_calls"] == [{"name": "f", "args": {}, "id": "c", "type": "tool_call"}]
    assert {"additional_kwargs", "response_metadata"} <= set(first)
    assert second["type"] == "human"


def test_a_chat_model_in_a_node_streams_its_tokens_with_the_task_metadata():
    model = GenericFakeChatModel(messages=iter(["hello there"]), tags=["mine"])
    app = _one_node(lambda state: {"messages": model.invoke(state["messages"])})
    cfg = {"configurable": {"thread_id": "th-1", "secret_key": "x"}}
    items = list(app.stream({"messages": "hi"}, cfg, stream_mode="messages"))
    chunks = [m for m, _meta in items]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(c.content for c in chunks) == "hello there"
    assert len({c.id for c in chunks}) == 1  # the final message is not sent again
    meta = items[0][1]
    assert meta["langgraph_node"] == "node" and meta["langgraph_step"] == 1
    assert meta["thread_id"] == "th-1" and "secret_key" not in meta
    assert meta["tags"] == ["mine"] and meta["ls_model_type"] == "chat"
    assert meta["checkpoint_ns"].startswith("node:")


def test_returned_messages_stream_whole_once_and_input_messages_not_at_all():
    def echo(state):
        return {"messages": [*state["messages"], AIMessage("new", id="n1")]}

    app = _one_node(echo)
    items = list(app.stream({"messages": [HumanMessage("old", id="o1")]}, stream_mode="messages"))
    assert [m.id for m, _meta in items] == ["n1"]


def test_push_message_streams_now_and_writes_the_state_key():
    def chat(state):
        with pytest.raises(ValueError, match="Message ID is required"):
            push_message(AIMessage("no id"))
        push_message(AIMessage("first", id="1"))
        push_message(HumanMessage("second", id="2"))

    app = _one_node(chat)
    streamed, values = [], None
    for mode, chunk in app.stream({"messages": []}, stream_mode=["messages", "values"]):
        if mode == "messages":
            streamed.append(chunk[0])
        else:
            values = chunk
    assert values is not None and values["messages"] == streamed
    assert [m.content for m in streamed] == ["first", "second"]


def test_messages_of_a_nested_graph_stream_only_with_subgraphs():
    inner = _one_node(lambda s: {"messages": [AIMessage("from inner", id="i1")]})
    g = StateGraph(MessagesState)
    g.add_node("sub", inner)
    g.add_node("outer", lambda s: {"messages": [AIMessage("from outer", id="o1")]})
    g.add_edge(START, "sub")
    g.add_edge("sub", "outer")
    app = g.compile()
    plain = list(app.stream({"messages": "hi"}, stream_mode="messages"))
    # without subgraphs the nested message arrives as part of the parent node's update
    assert [(m.content, meta["langgraph_node"]) for m, meta in plain] == [
        ("from inner", "sub"),
        ("from outer", "outer"),
    ]
    nested = list(app.stream({"messages": "hi"}, stream_mode="messages", subgraphs=True))
    assert [(ns[0].split(":")[0] if ns else "", m.content) for ns, (m, _meta) in nested] == [
        ("sub", "from inner"),
        ("", "from outer"),
    ]


def test_returned_message_metadata_is_langgraphs():
    app = _one_node(lambda s: {"messages": [HumanMessage("hello", id="h9")]})
    [(message, meta)] = list(app.stream({"messages": []}, stream_mode="messages"))
    assert message.id == "h9"
    assert meta == {
        "ls_integration": "langgraph",
        "langgraph_step": 1,
        "langgraph_node": "node",
        "langgraph_triggers": ("branch:to:node",),
        "langgraph_path": ("__pregel_pull", "node"),
        "langgraph_checkpoint_ns": meta["langgraph_checkpoint_ns"],
    }
    assert meta["langgraph_checkpoint_ns"].startswith("node:")


def test_a_langchain_runnable_is_a_node_and_gets_the_config():
    from langchain_core.runnables import RunnableLambda

    seen = {}

    def answer(state, config):
        seen["node"] = config["metadata"]["langgraph_node"]
        return {"messages": [AIMessage(f"{len(state['messages'])} so far", id="r1")]}

    app = _one_node(RunnableLambda(answer))
    out = app.invoke({"messages": [("user", "hi")]})
    assert [m.content for m in out["messages"]] == ["hi", "1 so far"]
    assert seen == {"node": "node"}


def test_chat_model_tokens_count_as_progress_for_an_idle_timeout():
    import asyncio

    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from runtime.types import TimeoutPolicy

    class SlowTokens(FakeListChatModel):
        async def _astream(self, *args, **kwargs):  # each token well inside the idle limit
            async for chunk in super()._astream(*args, **kwargs):
                await asyncio.sleep(0.3)
                yield chunk

    model = SlowTokens(responses=["abcde"])  # five tokens: longer than the limit in all

    async def call_model(state):
        return {"messages": [await model.ainvoke(state["messages"])]}

    g = StateGraph(MessagesState)
    g.add_node("call_model", call_model, timeout=TimeoutPolicy(idle_timeout=1.0))
    g.add_edge(START, "call_model")

    async def run():
        return [
            c.content
            async for c, _m in g.compile().astream({"messages": "hi"}, stream_mode="messages")
        ]

    assert asyncio.run(run()) == ["a", "b", "c", "d", "e"]
