"""Building graphs: the builder API and the structural checks at compile time."""

from __future__ import annotations

import dataclasses
import operator
from typing import Annotated, Literal, TypedDict

import pytest

from runtime import END, START, Command, StateGraph
from runtime.errors import GraphValidationError


class S(TypedDict):
    x: int


def inc(state: S) -> dict:
    return {"x": state["x"] + 1}


def test_typed_dict_and_dataclass_schemas():
    g = StateGraph(S)
    g.add_node("inc", inc)
    g.add_edge(START, "inc")
    assert g.compile().invoke({"x": 1}) == {"x": 2}

    @dataclasses.dataclass
    class D:
        x: int
        label: str = "none"

    def node(state: D) -> dict:
        assert isinstance(state, D)
        return {"x": state.x * 10, "label": f"seen {state.label}"}

    g2 = StateGraph(D)
    g2.add_node("node", node)
    g2.add_edge(START, "node")
    assert g2.compile().invoke({"x": 2}) == {"x": 20, "label": "seen none"}


def test_add_node_named_after_function_and_sequence():
    def a(state: S) -> dict:
        return {"x": state["x"] + 1}

    def b(state: S) -> dict:
        return {"x": state["x"] * 3}

    g = StateGraph(S)
    g.add_sequence([a, ("times_three", b)])
    g.add_edge(START, "a")
    assert set(g.nodes) == {"a", "times_three"}
    assert g.compile().invoke({"x": 1}) == {"x": 6}


def _bad(build, message):
    g = StateGraph(S)
    build(g)
    with pytest.raises(GraphValidationError, match=message):
        g.compile()


def test_edge_to_unknown_node_names_it():
    _bad(
        lambda g: (g.add_node("a", inc), g.add_edge(START, "a"), g.add_edge("a", "ghost")),
        "'ghost'",
    )


def test_edge_from_unknown_node_names_it():
    _bad(
        lambda g: (g.add_node("a", inc), g.add_edge(START, "a"), g.add_edge("nobody", "a")),
        "'nobody'",
    )


def test_no_entry_point():
    _bad(lambda g: (g.add_node("a", inc), g.add_edge("a", END)), "entrypoint")


def test_node_reached_only_by_command_goto_compiles_and_runs():
    def hop(state):
        return Command(goto="island")

    g = StateGraph(S)
    g.add_node("a", hop)
    g.add_node("island", inc)  # no edge leads here: LangGraph compiles it all the same
    g.add_edge(START, "a")
    assert g.compile().invoke({"x": 0}) == {"x": 1}


def test_conditional_edge_to_unknown_node():
    def route(state):
        return "b"

    _bad(
        lambda g: (
            g.add_node("a", inc),
            g.add_edge(START, "a"),
            g.add_conditional_edges("a", route, {"b": "nowhere"}),
        ),
        "'nowhere'",
    )


def test_duplicate_and_reserved_names():
    g = StateGraph(S)
    g.add_node("a", inc)
    with pytest.raises(GraphValidationError, match="'a' already present"):
        g.add_node("a", inc)
    with pytest.raises(GraphValidationError, match="reserved"):
        g.add_node(END, inc)
    with pytest.raises(GraphValidationError, match="must not contain"):
        g.add_node("a:b", inc)


def test_interrupt_node_must_exist():
    g = StateGraph(S)
    g.add_node("a", inc)
    g.add_edge(START, "a")
    with pytest.raises(GraphValidationError, match="'zzz'"):
        g.compile(interrupt_before=["zzz"])


def test_conditional_edge_without_map_makes_every_node_reachable():
    def route(state) -> str:
        return "b"

    g = StateGraph(S)
    g.add_node("a", inc)
    g.add_node("b", inc)
    g.add_edge(START, "a")
    g.add_conditional_edges("a", route)
    assert g.compile().invoke({"x": 0}) == {"x": 2}


def test_command_destinations_from_annotations_make_nodes_reachable():
    def a(state: S) -> Command[Literal["b", "c"]]:
        return Command(goto="c", update={"x": 5})

    g = StateGraph(S)
    g.add_node("a", a)
    g.add_node("b", inc)
    g.add_node("c", inc)
    g.add_edge(START, "a")
    app = g.compile()
    assert app.invoke({"x": 0}) == {"x": 6}
    edges = {(e["source"], e["target"]) for e in app.get_graph().to_json()["edges"]}
    assert ("a", "b") in edges and ("a", "c") in edges


def test_reducer_fields_start_from_their_type():
    class R(TypedDict):
        items: Annotated[list, operator.add]
        total: Annotated[int, operator.add]

    def n(state: R) -> dict:
        return {"items": ["one"], "total": 3}

    g = StateGraph(R)
    g.add_node("n", n)
    g.add_edge(START, "n")
    assert g.compile().invoke({}) == {"items": ["one"], "total": 3}


def _one_arg(a):
    return a


class BadReducer(TypedDict):
    hello: Annotated[str, _one_arg]


def test_a_reducer_must_take_two_arguments():
    with pytest.raises(ValueError, match="Invalid reducer signature"):
        StateGraph(BadReducer)


def test_compile_refuses_an_object_that_is_not_a_checkpointer():
    class NotACheckpointer:
        pass

    g = StateGraph(S)
    g.add_node("inc", inc)
    g.add_edge(START, "inc")
    with pytest.raises(TypeError, match="Invalid checkpointer provided.*NotACheckpointer"):
        g.compile(checkpointer=NotACheckpointer())


class Doubler:
    def __call__(self, state: S) -> dict:
        return {"x": state["x"] * 2}


def test_a_callable_object_is_named_after_its_class():
    g = StateGraph(S)
    g.add_node(Doubler())
    g.add_edge(START, "Doubler")
    assert g.compile().invoke({"x": 2}) == {"x": 4}
