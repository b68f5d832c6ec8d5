"""get_graph(): nodes and edges as JSON and Mermaid text."""

from __future__ import annotations

from typing import TypedDict

from runtime import END, START, StateGraph


class S(TypedDict):
    x: int


def test_graph_json_and_mermaid():
    g = StateGraph(S)
    g.add_node("classify", lambda s: {}, metadata={"kind": "llm"})
    g.add_node("bug", lambda s: {})
    g.add_node("feature", lambda s: {})
    g.add_node("a", lambda s: {})
    g.add_node("b", lambda s: {})
    g.add_node("join", lambda s: {})
    g.add_edge(START, "classify")
    g.add_conditional_edges("classify", lambda s: "is_bug", {"is_bug": "bug", "other": "feature"})
    g.add_edge("bug", "a")
    g.add_edge("bug", "b")
    g.add_edge(["a", "b"], "join")
    g.add_edge("join", END)
    g.add_edge("feature", END)
    drawn = g.compile().get_graph()
    data = drawn.to_json()
    assert [n["id"] for n in data["nodes"]] == [
        START,
        "classify",
        "bug",
        "feature",
        "a",
        "b",
        "join",
        END,
    ]
    assert data["nodes"][1]["metadata"] == {"kind": "llm"}
    edges = {(e["source"], e["target"], e["conditional"], e["data"]) for e in data["edges"]}
    assert (START, "classify", False, None) in edges
    assert ("classify", "bug", True, "is_bug") in edges
    assert ("classify", "feature", True, "other") in edges
    assert ("a", "join", False, None) in edges and ("b", "join", False, None) in edges
    mermaid = drawn.draw_mermaid()
    assert mermaid.startswith("graph TD;")
    assert "classify -.->|is_bug| bug;" in mermaid
    assert "__start__ --> classify;" in mermaid
    assert "join --> __end__;" in mermaid
