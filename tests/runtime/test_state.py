"""State: last-value fields, reducers, add_messages, MessagesState and Overwrite."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage

from runtime import END, START, MessagesState, Overwrite, RemoveMessage, StateGraph, add_messages
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import InvalidUpdateError
from runtime.messages import REMOVE_ALL_MESSAGES


class S(TypedDict):
    value: str
    log: Annotated[list, operator.add]


def _fan(a_out: dict, b_out: dict) -> StateGraph:
    g = StateGraph(S)
    g.add_node("a", lambda s: a_out)
    g.add_node("b", lambda s: b_out)
    g.add_edge(START, "a")
    g.add_edge(START, "b")
    return g


def test_two_writes_to_a_field_without_reducer_name_both_nodes():
    app = _fan({"value": "from a"}, {"value": "from b"}).compile()
    with pytest.raises(InvalidUpdateError) as err:
        app.invoke({"value": "", "log": []})
    assert "'a'" in str(err.value) and "'b'" in str(err.value) and "'value'" in str(err.value)


def test_reducer_aggregates_parallel_writes_in_deterministic_order():
    app = _fan({"log": ["a"]}, {"log": ["b"]}).compile()
    for _ in range(5):
        assert app.invoke({"value": "x", "log": []})["log"] == ["a", "b"]


def test_overwrite_bypasses_the_reducer():
    g = StateGraph(S)
    g.add_node("reset", lambda s: {"log": Overwrite(["only"])})
    g.add_edge(START, "reset")
    assert g.compile().invoke({"log": ["old", "older"]})["log"] == ["only"]
    g2 = StateGraph(S)
    g2.add_node("reset", lambda s: {"log": {"__overwrite__": []}})
    g2.add_edge(START, "reset")
    assert g2.compile().invoke({"log": ["old"]})["log"] == []


def test_overwrite_in_a_step_drops_the_writes_after_it_and_allows_only_one():
    from runtime.channels.binop import BinaryOperatorAggregate

    ch = BinaryOperatorAggregate("log", operator.add, list)
    ch.update([["start"]])
    ch.update([["a"], Overwrite(["b"]), ["c"]])  # task path order: a, b, c
    assert ch.value == ["b"]  # as LangGraph: c loses to the Overwrite before it
    with pytest.raises(InvalidUpdateError, match="only one Overwrite value per super-step"):
        ch.update([Overwrite(["x"]), {"__overwrite__": ["y"]}])

    g = _fan({"log": Overwrite(["a"])}, {"log": Overwrite(["b"])})
    with pytest.raises(InvalidUpdateError, match="only one Overwrite"):
        g.compile().invoke({"value": "", "log": []})


def test_add_messages_coerces_to_langchain_messages_with_ids_replaces_and_removes():
    left = add_messages([], [{"role": "user", "content": "hi"}, "plain text", ("assistant", "yo")])
    assert [type(m) for m in left] == [HumanMessage, HumanMessage, AIMessage]
    assert all(m.id for m in left)
    first_id = left[0].id
    replaced = add_messages(left, [{"role": "user", "content": "edited", "id": first_id}])
    assert replaced[0].content == "edited" and len(replaced) == 3
    assert replaced[1] is left[1]  # untouched messages are kept as they are
    removed = add_messages(replaced, [RemoveMessage(id=first_id)])
    assert [m.content for m in removed] == ["plain text", "yo"]
    cleared = add_messages(
        removed, [RemoveMessage(id=REMOVE_ALL_MESSAGES), {"role": "system", "content": "fresh"}]
    )
    assert cleared == [SystemMessage("fresh", id=cleared[0].id)]
    with pytest.raises(ValueError, match="doesn't exist"):
        add_messages(left, [RemoveMessage(id="nope")])
    assert add_messages([], [{"type": "human", "content": "lc style"}])[0].type == "human"


def test_add_messages_turns_chunks_into_messages_and_fills_missing_ids_in_place():
    given = AIMessage("no id yet")
    out = add_messages([AIMessageChunk("a", id="c1")], given)
    assert type(out[0]) is AIMessage and out[0].id == "c1"
    assert out[1] is given and given.id  # LangGraph gives the caller's message its id


def test_add_messages_with_the_openai_format_option():
    reducer = add_messages(format="langchain-openai")
    out = reducer(
        [],
        [AIMessage([{"type": "tool_use", "name": "f", "input": {"a": 1}, "id": "1"}], id="m")],
    )
    assert out[0].content == "" and out[0].tool_calls[0]["args"] == {"a": 1}
    with pytest.raises(ValueError, match="Unrecognized format"):
        add_messages([], [], format="xml")
    with pytest.raises(ValueError, match="both 'left' and 'right'"):
        add_messages([], None)


def test_messages_state_graph():
    def bot(state: MessagesState) -> dict:
        last = state["messages"][-1].content
        return {"messages": [{"role": "assistant", "content": f"echo: {last}"}]}

    g = StateGraph(MessagesState)
    g.add_node("bot", bot)
    g.add_edge(START, "bot")
    g.add_edge("bot", END)
    out = g.compile().invoke({"messages": [("user", "hello")]})
    assert [(m.type, m.content) for m in out["messages"]] == [
        ("human", "hello"),
        ("ai", "echo: hello"),
    ]


def test_messages_are_published_at_langgraphs_module_path():
    from runtime.graph import message

    assert message.add_messages is add_messages and message.MessagesState is MessagesState
    assert message.REMOVE_ALL_MESSAGES == REMOVE_ALL_MESSAGES
    with pytest.warns(DeprecationWarning):
        graph = message.MessageGraph()  # the whole state is one list of messages
    graph.add_node("bot", lambda msgs: [("assistant", f"{len(msgs)} so far")])
    graph.add_edge(START, "bot")
    out = graph.compile().invoke([("user", "hi")])
    assert [(m.type, m.content) for m in out] == [("human", "hi"), ("ai", "1 so far")]


def keep_max(a: int, b: int) -> int:
    return max(a, b)


class M(TypedDict):
    best: Annotated[int, keep_max]


def test_custom_reducer_function():
    g = StateGraph(M)
    for i, v in enumerate([3, 9, 4]):
        g.add_node(f"n{i}", lambda s, v=v: {"best": v})
        g.add_edge(START, f"n{i}")
    assert g.compile().invoke({"best": 5}) == {"best": 9}


class Overall(TypedDict):
    foo: Annotated[int, operator.add]
    bar: str


class Private(TypedDict):
    baz: str


class RouterState(TypedDict):
    baz: str


class Question(TypedDict):
    question: str


def test_keys_of_private_and_input_schemas_are_state_channels():
    """As LangGraph: a node annotated with its own schema reads only those keys and may
    write keys no other schema has; keys of no schema at all are ignored."""

    seen: dict[str, object] = {}

    def node_1(state: Overall):
        return {"foo": 1, "baz": "secret", "nobody": "ignored"}

    def node_2(state: Private):
        seen["node_2"] = dict(state)
        return {"foo": 1, "bar": state["baz"]}

    def router(state: RouterState):
        seen["router"] = dict(state)
        return END

    def whole(state: Overall):
        seen["whole"] = dict(state)
        return END

    g = StateGraph(Overall)
    g.add_node(node_1)
    g.add_node(node_2)
    g.add_edge(START, "node_1")
    g.add_edge("node_1", "node_2")
    g.add_conditional_edges("node_2", router)
    g.add_conditional_edges("node_2", whole)
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "p"}}
    assert app.invoke({"foo": 0}, cfg) == {"foo": 2, "bar": "secret"}  # output: Overall's keys
    assert seen == {
        "node_2": {"baz": "secret"},
        "router": {"baz": "secret"},
        "whole": {"foo": 2, "bar": "secret"},
    }
    # the thread's state holds the private key too, as LangGraph's snapshot does
    assert app.get_state(cfg).values == {"foo": 2, "bar": "secret", "baz": "secret"}


def test_input_schema_keys_may_be_written():
    def answer(state: Overall):
        return {"bar": "42", "question": "asked"}

    g = StateGraph(Overall, input_schema=Question)
    g.add_node(answer)
    g.add_edge(START, "answer")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "q"}}
    assert app.invoke({"question": "why?"}, cfg) == {"foo": 0, "bar": "42"}
    assert app.get_state(cfg).values["question"] == "asked"
