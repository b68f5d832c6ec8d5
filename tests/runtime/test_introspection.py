"""get_graph(): nodes and edges as JSON and Mermaid text."""

from __future__ import annotations

from typing import Literal, TypedDict

from runtime import END, START, Command, StateGraph


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
    # drawn by LangChain's drawer, as LangGraph's get_graph() is
    mermaid = drawn.draw_mermaid(with_styles=False)
    assert mermaid.splitlines() == [
        "graph TD;",
        "\t__start__ --> classify;",
        "\ta --> join;",
        "\tb --> join;",
        "\tbug --> a;",
        "\tbug --> b;",
        "\tclassify -. &nbsp;is_bug&nbsp; .-> bug;",
        "\tclassify -. &nbsp;other&nbsp; .-> feature;",
        "\tfeature --> __end__;",
        "\tjoin --> __end__;",
    ]
    assert drawn.draw_mermaid().startswith("---\nconfig:\n  flowchart:\n    curve: linear")


def test_graph_edges_compare_equal_to_langchain_edges_and_carry_breakpoints():
    from langchain_core.runnables.graph import Edge as LangChainEdge

    g = StateGraph(S)
    g.add_node("a", lambda s: {})
    g.add_node("b", lambda s: {}, defer=True)
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    drawn = g.compile(interrupt_before=["a"], interrupt_after=["a"]).get_graph()
    assert drawn.edges == [
        LangChainEdge("__start__", "a", None, False),
        LangChainEdge("a", "b", None, False),
        LangChainEdge("b", "__end__", None, False),
    ]
    assert drawn.nodes["a"].metadata == {"__interrupt": "before,after"}
    assert drawn.nodes["b"].metadata == {"defer": True}


def test_only_command_annotations_declare_a_nodes_destinations():
    def routes(state: S) -> Command[Literal["b"]]:
        return Command(goto="b")

    def returns_state(state: S) -> Literal["b"]:  # a value, not a route (as LangGraph reads it)
        return "b"

    g = StateGraph(S)
    g.add_node("a", routes)
    g.add_node("b", returns_state)
    g.add_edge(START, "a")
    edges = g.compile().get_graph().edges
    assert [(e.source, e.target, e.conditional) for e in edges] == [
        ("__start__", "a", False),
        ("a", "b", True),
        ("b", "__end__", False),
    ]
