"""Recorded checkpoint histories: replaying the same graph must give the same states.

The fixtures were recorded from this engine (``python -m tests.runtime.test_recorded_histories``
rewrites them). A change in step semantics (ordering, reducers, interrupts, forks) shows up
as a diff against them, the way Temporal's replayer tests catch non-determinism.
"""

from __future__ import annotations

import json
import operator
import sys
from pathlib import Path
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, Command, Send, StateGraph, add_messages, interrupt
from runtime.checkpoint import InMemoryCheckpointer
from runtime.messages import jsonable

FIXTURES = Path(__file__).parent / "fixtures"


class Triage(TypedDict):
    messages: Annotated[list, add_messages]
    category: str
    notes: Annotated[list, operator.add]


def _triage_graph():
    def classify(state):
        text = state["messages"][-1].content
        category = "bug" if "crash" in text else "question"
        return {"category": category, "notes": [f"classified {category}"]}

    def research(topic):
        return {"notes": [f"looked up {topic}"]}

    def fan(state):
        return [Send("research", t) for t in ("logs", "docs")]

    def draft(state):
        return {
            "messages": [
                {"role": "assistant", "content": f"draft for {state['category']}", "id": "draft-1"}
            ]
        }

    def review(state):
        decision = interrupt(
            {"title": "Approve the reply?", "draft": state["messages"][-1].content}
        )
        return {"notes": [f"review: {decision}"]}

    g = StateGraph(Triage)
    g.add_node("classify", classify)
    g.add_node("research", research)
    g.add_node("draft", draft)
    g.add_node("review", review)
    g.add_edge(START, "classify")
    g.add_conditional_edges("classify", fan, ["research"])
    g.add_edge("research", "draft")
    g.add_edge("draft", "review")
    g.add_edge("review", END)
    return g.compile(checkpointer=InMemoryCheckpointer())


def _scenario():
    """Run, interrupt, resume, then fork from the draft step with an edit and run on."""
    app = _triage_graph()
    cfg = {"configurable": {"thread_id": "recorded"}}
    app.invoke({"messages": [{"role": "user", "content": "app crash on login", "id": "u1"}]}, cfg)
    app.invoke(Command(resume="approved"), cfg)
    before_review = next(h for h in app.get_state_history(cfg) if h.next == ("review",))
    fork = app.update_state(before_review.config, {"category": "urgent bug"}, as_node="draft")
    app.invoke(None, fork)  # the fork runs review again, which asks again
    app.invoke(Command(resume="escalated"), cfg)  # the thread's head is now the fork
    return [
        {
            "step": h.metadata["step"],
            "source": h.metadata["source"],
            "next": list(h.next),
            "values": jsonable(h.values),  # messages in LangGraph's serialized form
            "interrupts": [i.value for i in h.interrupts],
        }
        for h in app.get_state_history(cfg)
    ]


SCENARIOS = {"triage_fork": _scenario}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replay_matches_recorded_history(name):
    recorded = json.loads((FIXTURES / f"{name}.json").read_text())
    assert json.loads(json.dumps(SCENARIOS[name]())) == recorded


if __name__ == "__main__":  # re-record: python -m tests.runtime.test_recorded_histories
    for name, scenario in SCENARIOS.items():
        (FIXTURES / f"{name}.json").write_text(json.dumps(scenario(), indent=1) + "\n")
        print(f"recorded {name}", file=sys.stderr)
