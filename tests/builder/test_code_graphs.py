"""The picture of a code graph (builder/selectors/code_graphs.py) from the engine's own
graph: an input schema of its own decides what the run form asks for, a Send fan-out and
a router without a path map are labelled by their destinations."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from builder.selectors.code_graphs import code_edges, code_state_fields
from runtime import END, START, Send, StateGraph


class Question(TypedDict):
    question: str


class Work(TypedDict, total=False):
    question: str
    parts: Annotated[list[str], operator.add]
    total: int | None


def _graph() -> StateGraph:
    graph = StateGraph(Work, input_schema=Question)
    graph.add_node("plan", lambda s: {})
    graph.add_node("part", lambda s: {"parts": ["x"]})
    graph.add_conditional_edges("plan", lambda s: [Send("part", {})], ["part"])
    graph.add_edge(START, "plan")
    graph.add_edge("part", END)
    return graph


def test_an_own_input_schema_marks_the_fields_the_run_form_asks_for() -> None:
    assert code_state_fields(_graph().compile()) == [
        {"name": "question", "type": "string", "input": True},
        {"name": "parts", "type": "array", "reducer": "append"},
        {"name": "total", "type": "integer"},
    ]


def test_a_send_fan_out_is_a_route_labelled_by_its_destination() -> None:
    edges, routes = code_edges(_graph().compile().get_graph())
    assert [(e["source"], e["target"]) for e in edges] == [
        ("__start__", "plan"),
        ("part", "__end__"),
    ]
    assert routes == [
        {
            "id": "r1",
            "source": "plan",
            "branches": [{"label": "part", "when": "part", "target": "part"}],
            "default": None,
        }
    ]
