"""A step's writes apply in LangGraph's order: triggered nodes by name, then Sends in order."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from runtime import START, Send, StateGraph
from runtime.constants import PULL, PUSH
from runtime.pregel.algo import Task, write_order


class S(TypedDict):
    log: Annotated[list, operator.add]


def _task(path: tuple) -> Task:
    return Task("id", str(path[1]), path, None, (), "")


def test_write_order_sorts_pull_tasks_by_name_then_push_tasks_by_index():
    tasks = [
        _task((PUSH, 10)),
        _task((PULL, "zeta")),
        _task((PUSH, 2)),
        _task((PULL, "alpha")),
    ]
    assert [t.path for t in sorted(tasks, key=write_order)] == [
        (PULL, "alpha"),
        (PULL, "zeta"),
        (PUSH, 2),
        (PUSH, 10),
    ]


def test_parallel_writes_follow_node_names_not_add_node_order():
    g = StateGraph(S)
    for name in ("c", "a", "b"):
        g.add_node(name, lambda s, n=name: {"log": [n]})
        g.add_edge(START, name)
    g.add_node("fan", lambda s: {"log": ["fan"]})
    g.add_conditional_edges("c", lambda s: [Send("fan", 1), Send("fan", 2)])
    out = g.compile().invoke({"log": []})
    assert out["log"] == ["a", "b", "c", "fan", "fan"]


def test_a_node_may_return_a_list_of_commands_and_updates():
    from runtime import Command

    class Text(TypedDict):
        foo: Annotated[str, operator.add]

    g = StateGraph(Text)
    g.add_node("a", lambda s: [Command(update={"foo": "a1"}), {"foo": "a2"}])
    g.add_node("b", lambda s: {"foo": "b"})
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    app = g.compile()
    assert app.invoke({"foo": ""}) == {"foo": "a1a2b"}
    # as LangGraph: a key written twice by one task streams as a list of one-key updates
    assert list(app.stream({"foo": ""})) == [
        {"a": [{"foo": "a1"}, {"foo": "a2"}]},
        {"b": {"foo": "b"}},
    ]


class Foo(TypedDict):
    foo: int


def test_update_of_follows_the_writes_to_state_keys():
    from runtime.graph.plan import build_plan
    from runtime.pregel.algo import update_of

    plan = build_plan(StateGraph(Foo).add_node("x", lambda s: s).add_edge(START, "x"))
    assert update_of(plan, [("branch:to:x", None)]) is None
    assert update_of(plan, [("foo", 1), ("bar", 2)]) == {"foo": 1}
    assert update_of(plan, [("foo", 1), ("foo", 2)]) == [{"foo": 1}, {"foo": 2}]
    root = build_plan(StateGraph(int).add_node("x", lambda s: s).add_edge(START, "x"))
    assert update_of(root, [("__root__", 1)]) == 1
    assert update_of(root, [("__root__", 1), ("__root__", 2)]) == [1, 2]
