"""Benchmark: validate + compile a 300-node GraphSpec (target: median under 100 ms).

Run with ``python -m tests.bench.bench_spec``; prints the median of several runs. Not a
timed test: machines differ, so CI only checks that it runs.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

NODES = 300


def make_spec(nodes: int = NODES) -> dict[str, Any]:
    """A chain of transform, llm and router nodes with routes and a fan-out, all valid."""
    fields = [
        {"name": "messages", "type": "messages", "reducer": "messages", "default": []},
        {"name": "count", "type": "integer", "reducer": "add", "default": 0},
        {"name": "text", "type": "string", "default": ""},
        {"name": "items", "type": "array", "default": []},
        {"name": "notes", "type": "array", "reducer": "append", "default": []},
    ]
    spec_nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    for i in range(nodes):
        node_id = f"n{i}"
        if i % 3 == 0:
            config: dict[str, Any] = {
                "set": [
                    {"field": "count", "expression": "state.count + 1"},
                    {
                        "field": "text",
                        "template": f"step {i} {{{{ state.count }}}}: {{{{ state.text }}}}",
                    },
                ]
            }
            kind = "transform"
        elif i % 3 == 1:
            kind = "llm"
            config = {
                "system": f"You are node {i} of {{{{ state.count }}}}.",
                "fake_replies": [{"content": "Reply about {{ state.text | truncate(20) }}"}],
            }
        else:
            kind = "router"
            config = {}
        spec_nodes.append(
            {
                "id": node_id,
                "kind": kind,
                "label": f"Node {i}",
                "config": config,
                "position": {"x": i * 10, "y": 0},
            }
        )
        nxt = f"n{i + 1}" if i + 1 < nodes else "__end__"
        if kind == "router":
            routes.append(
                {
                    "id": f"r{i}",
                    "source": node_id,
                    "branches": [
                        {"label": "many", "when": f"state.count > {1000 + i}", "target": "__end__"},
                        {"label": "notes", "when": "state.notes | length > 50", "target": nxt},
                    ],
                    "default": nxt,
                }
            )
        else:
            edges.append({"id": f"e{i}", "source": node_id, "target": nxt})
    edges.append({"id": "start", "source": "__start__", "target": "n0"})
    return {
        "spec_version": 1,
        "name": "bench",
        "state": {"fields": fields},
        "nodes": spec_nodes,
        "edges": edges,
        "routes": routes,
        "breakpoints": {"before": ["n5"], "after": []},
    }


def measure(repeats: int = 15) -> dict[str, list[float]]:
    """Timings (ms) of compile_spec, which validates first, and of validate_spec alone.

    Expressions and templates differ per node and parse caches are cleared, so the first two
    are cold; ``warm`` compiles the same spec again with the caches filled.
    """
    from runtime.graphspec import compile_spec, validate_spec
    from runtime.graphspec.problems import has_errors
    from runtime.sandbox import names_used, parse_expression, parse_template

    timings: dict[str, list[float]] = {"compile_spec": [], "validate_spec": [], "warm": []}
    for _ in range(repeats):
        for cache in (parse_expression, parse_template, names_used):
            cache.cache_clear()
        spec = make_spec()  # fresh dicts each time, as the API would parse them
        started = time.perf_counter()
        compile_spec(spec)
        timings["compile_spec"].append((time.perf_counter() - started) * 1000)
        for cache in (parse_expression, parse_template, names_used):
            cache.cache_clear()
        started = time.perf_counter()
        problems = validate_spec(spec)
        timings["validate_spec"].append((time.perf_counter() - started) * 1000)
        assert not has_errors(problems), problems[:3]
        # Warm: the same spec again, as when a host re-validates a graph after one edit.
        started = time.perf_counter()
        compile_spec(spec)
        timings["warm"].append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    for name, values in measure().items():
        print(
            f"{name} ({NODES} nodes): median {statistics.median(values):.1f} ms "
            f"(min {min(values):.1f}, max {max(values):.1f}, n={len(values)})"
        )


if __name__ == "__main__":
    main()
