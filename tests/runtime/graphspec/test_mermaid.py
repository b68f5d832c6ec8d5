"""Mermaid text of a spec: one id per node, no double prefix on the builder's ids."""

from __future__ import annotations

from runtime.graphspec import spec_to_mermaid


def test_builder_ids_are_not_prefixed_twice_and_names_stay_distinct():
    node = "n_0123456789abcdef0123456789abcdef"
    spec = {
        "nodes": [
            {"id": node, "kind": "llm"},
            {"id": "end", "kind": "transform"},
            {"id": "a-b", "kind": "transform"},
            {"id": "a_b", "kind": "transform"},
        ],
        "edges": [
            {"source": "__start__", "target": node},
            {"source": node, "target": "end"},
            {"source": "end", "target": "a-b"},
            {"source": "a-b", "target": "a_b"},
            {"source": "a_b", "target": "__end__"},
        ],
    }
    text = spec_to_mermaid(spec)
    assert "n_n_" not in text
    assert f"START --> {node}" in text
    assert f"{node} --> n_end" in text  # a Mermaid keyword stays an id
    assert "n_end --> n_a_b\n" in text and "n_a_b --> n_a_b_2" in text
    assert "n_a_b_2 --> END" in text
