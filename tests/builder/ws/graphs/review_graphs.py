"""Real runtime graphs for the websocket tests (loaded through GRAPHS_CONFIG)."""

from __future__ import annotations

import time
from typing import TypedDict

from runtime import END, START, StateGraph, get_stream_writer, interrupt

FORM = {
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "reject"]},
        "comment": {"type": "string"},
    },
}


class ReviewState(TypedDict, total=False):
    text: str
    decision: str


def draft(state: ReviewState) -> ReviewState:
    return {"text": f"draft of {state.get('text', '')}"}


def review(state: ReviewState) -> ReviewState:
    answer = interrupt({"title": "Approve the draft?", "node": "review", "form": FORM})
    return {"decision": answer["decision"]}


def publish(state: ReviewState) -> ReviewState:
    return {"text": f"{state['text']} ({state.get('decision')})"}


builder = StateGraph(ReviewState)
builder.add_node("draft", draft)
builder.add_node("review", review)
builder.add_node("publish", publish)
builder.add_edge(START, "draft")
builder.add_edge("draft", "review")
builder.add_edge("review", "publish")
builder.add_edge("publish", END)
reviewed = builder


class TickState(TypedDict, total=False):
    ticks: int
    n: int
    delay: float


def tick(state: TickState) -> TickState:
    """Emits ``n`` custom events, ``delay`` seconds apart (a run that takes a while)."""
    write = get_stream_writer()
    for i in range(state.get("n", 10)):
        write({"tick": i})
        time.sleep(state.get("delay", 0.0))
    return {"ticks": state.get("n", 10)}


ticker_builder = StateGraph(TickState)
ticker_builder.add_node("tick", tick)
ticker_builder.add_edge(START, "tick")
ticker_builder.add_edge("tick", END)
ticker = ticker_builder
