"""A graph written in Python against the LangGraph-style API (no GraphSpec involved).

Listed in ``graphs.json`` next to the JSON demos to show that code-defined graphs appear
in the builder too. Offline and deterministic.
"""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from runtime import END, START, StateGraph


class JokeState(TypedDict, total=False):
    topic: str
    drafts: Annotated[list[str], operator.add]
    joke: str


def write(state: JokeState) -> dict[str, list[str]]:
    topic = state.get("topic") or "graphs"
    return {"drafts": [f"Why did the {topic} cross the road? To reach the other node."]}


def polish(state: JokeState) -> dict[str, str]:
    return {"joke": state["drafts"][-1].replace("node.", "node!")}


builder = StateGraph(JokeState)
builder.add_node("write", write)
builder.add_node("polish", polish)
builder.add_edge(START, "write")
builder.add_edge("write", "polish")
builder.add_edge("polish", END)

# Uncompiled on purpose: the host compiles it with its own checkpointer (ensure_compiled).
joke_graph = builder
