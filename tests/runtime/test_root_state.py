"""Root states: a graph whose whole state is one value (``StateGraph(Annotated[list, add])``)."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any

import pytest

from runtime import START, Command, Send, StateGraph, interrupt
from runtime.checkpoint import InMemoryCheckpointer


def _appender(name: str) -> Any:
    def node(state: Any) -> list[str]:
        return [name if isinstance(state, list) else f"{name}|{state}"]

    return node


def test_nodes_read_and_return_the_root_value_itself():
    seen: list[Any] = []

    def a(state: list[str]) -> list[str]:
        seen.append(list(state))
        return ["a"]

    graph = (
        StateGraph(Annotated[list, operator.add])
        .add_node("a", a)
        .add_node("b", _appender("b"))
        .add_edge(START, "a")
        .add_edge("a", "b")
        .compile()
    )
    assert graph.invoke(["0"]) == ["0", "a", "b"]
    assert seen == [["0"]]
    assert list(graph.stream(["0"], stream_mode="updates")) == [{"a": ["a"]}, {"b": ["b"]}]


def test_sends_and_commands_update_the_root():
    def fan(state: list[str]) -> list[Send]:
        return [Send("worker", 1), Send("worker", 2)]

    def mixed(state: list[str]) -> list[Any]:
        return [Command(update=["c1"]), ["c2"]]

    graph = (
        StateGraph(Annotated[list, operator.add])
        .add_node("start", _appender("start"))
        .add_node("worker", _appender("w"))
        .add_node("mixed", mixed)
        .add_edge(START, "start")
        .add_conditional_edges("start", fan)
        .add_edge("worker", "mixed")
        .compile()
    )
    assert graph.invoke([]) == ["start", "w|1", "w|2", "c1", "c2"]


def test_a_string_root_with_a_reducer_and_several_updates_in_one_return():
    def a(state: str) -> list[Command]:
        return [Command(update="a1"), Command(update="a2")]

    graph = (
        StateGraph(Annotated[str, operator.add])
        .add_sequence([a, ("b", lambda s: "b")])
        .add_edge(START, "a")
        .compile()
    )
    assert graph.invoke("") == "a1a2b"
    assert list(graph.stream("", stream_mode="updates")) == [{"a": ["a1", "a2"]}, {"b": "b"}]


def test_root_state_is_checkpointed_and_interrupts_come_back_as_a_dict():
    def ask(state: list[str]) -> list[str]:
        return [interrupt("more?")]

    graph = (
        StateGraph(Annotated[list, operator.add])
        .add_node("ask", ask)
        .add_edge(START, "ask")
        .compile(checkpointer=InMemoryCheckpointer())
    )
    cfg = {"configurable": {"thread_id": "root"}}
    paused = graph.invoke(["0"], cfg)
    assert list(paused) == ["__interrupt__"] and paused["__interrupt__"][0].value == "more?"
    assert graph.get_state(cfg).values == ["0"]
    assert graph.invoke(Command(resume="yes"), cfg) == ["0", "yes"]
    assert graph.get_state(cfg).values == ["0", "yes"]


def test_a_plain_type_without_reducer_keeps_the_last_value():
    graph = StateGraph(int).add_node("inc", lambda n: n + 1).add_edge(START, "inc").compile()
    assert graph.invoke(41) == 42


def test_max_concurrency_bounds_the_tasks_running_at_once():
    running = {"now": 0, "max": 0}

    async def work(n: int) -> list[int]:
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        await asyncio.sleep(0)
        running["now"] -= 1
        return [n]

    graph = (
        StateGraph(Annotated[list, operator.add])
        .add_node("work", work)
        .add_conditional_edges(START, lambda s: [Send("work", i) for i in range(20)])
        .compile()
    )
    assert sorted(graph.invoke([], {"max_concurrency": 3})) == list(range(20))
    assert running["max"] == 3
    with pytest.raises(ValueError, match="max_concurrency"):
        graph.invoke([], {"max_concurrency": 0})


def test_command_repr_shows_only_what_it_says():
    assert repr(Command(goto=Send("n", 1))) == "Command(goto=Send(node='n', arg=1))"
    assert repr(Command(update={"a": 1}, goto="x")) == "Command(update={'a': 1}, goto='x')"
