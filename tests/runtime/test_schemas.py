"""Input, output and private schemas: which keys nodes, paths and callers see, as LangGraph."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pydantic

from runtime import START, StateGraph
from runtime.checkpoint import InMemoryCheckpointer


class Overall(TypedDict):
    foo: Annotated[int, operator.add]
    hidden: str


class Out(TypedDict):
    foo: int


class Private(TypedDict):
    baz: str


seen: dict[str, object] = {}


def first(state: Overall) -> dict[str, object]:
    return {"foo": 1, "baz": "secret", "hidden": "h", "nobody": "declares this"}


def reads_private(state: Private) -> dict[str, int]:
    seen["node"] = dict(state)
    return {"foo": 1}


def route(state: Private) -> str:
    seen["route"] = dict(state)
    return "reads_private"


def _graph() -> StateGraph:
    return (
        StateGraph(Overall, output_schema=Out)
        .add_node("first", first)
        .add_node("reads_private", reads_private)
        .add_edge(START, "first")
        .add_conditional_edges("first", route, ["reads_private"])
    )


def test_a_node_and_a_path_read_only_the_schema_they_declare():
    seen.clear()
    out = _graph().compile().invoke({"foo": 0})
    assert out == {"foo": 2}  # the output schema's keys only
    assert seen == {"node": {"baz": "secret"}, "route": {"baz": "secret"}}


def test_private_keys_are_kept_in_the_state_and_the_values_stream():
    graph = _graph().compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "p"}}
    chunks = list(graph.stream({"foo": 0}, cfg, stream_mode="values"))
    assert chunks[-1] == {"foo": 2, "hidden": "h", "baz": "secret"}
    assert graph.get_state(cfg).values == {"foo": 2, "hidden": "h", "baz": "secret"}
    updates = list(
        graph.stream({"foo": 0}, {"configurable": {"thread_id": "q"}}, stream_mode="updates")
    )
    assert updates[0] == {"first": {"foo": 1, "baz": "secret", "hidden": "h"}}


class Doc(pydantic.BaseModel):
    text: str


def test_a_pydantic_node_input_schema_is_built_for_that_node():
    class S(TypedDict, total=False):
        text: str
        words: int

    def count(state: Doc) -> dict[str, int]:
        assert isinstance(state, Doc)
        return {"words": len(state.text.split())}

    graph = StateGraph(S).add_node("count", count).add_edge(START, "count").compile()
    assert graph.invoke({"text": "a b c"}) == {"text": "a b c", "words": 3}
