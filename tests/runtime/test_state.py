"""State: last-value fields, reducers, add_messages, MessagesState and Overwrite."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, MessagesState, Overwrite, RemoveMessage, StateGraph, add_messages
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


def test_add_messages_assigns_ids_replaces_and_removes():
    left = add_messages([], [{"role": "user", "content": "hi"}, "plain text", ("assistant", "yo")])
    assert [m["role"] for m in left] == ["user", "user", "assistant"]
    assert all(m["id"] for m in left)
    first_id = left[0]["id"]
    replaced = add_messages(left, [{"role": "user", "content": "edited", "id": first_id}])
    assert replaced[0]["content"] == "edited" and len(replaced) == 3
    assert replaced[1] is left[1]  # untouched messages are kept as they are
    removed = add_messages(replaced, [RemoveMessage(first_id)])
    assert [m["content"] for m in removed] == ["plain text", "yo"]
    cleared = add_messages(
        removed, [RemoveMessage(REMOVE_ALL_MESSAGES), {"role": "system", "content": "fresh"}]
    )
    assert [m["content"] for m in cleared] == ["fresh"]
    with pytest.raises(ValueError, match="doesn't exist"):
        add_messages(left, [RemoveMessage("nope")])
    assert add_messages([], [{"type": "human", "content": "lc style"}])[0]["role"] == "user"


def test_messages_state_graph():
    def bot(state: MessagesState) -> dict:
        last = state["messages"][-1]["content"]
        return {"messages": [{"role": "assistant", "content": f"echo: {last}"}]}

    g = StateGraph(MessagesState)
    g.add_node("bot", bot)
    g.add_edge(START, "bot")
    g.add_edge("bot", END)
    out = g.compile().invoke({"messages": [("user", "hello")]})
    assert [m["content"] for m in out["messages"]] == ["hello", "echo: hello"]


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
