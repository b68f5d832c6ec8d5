"""The JSON Schema of writes to a spec graph's typed state (run input, state updates),
and which graph and spec a thread's next run or state edit uses. Code-defined graphs
declare no JSON types: no schema, nothing to check."""

from __future__ import annotations

from typing import Any

from builder.execution.graphs import run_spec
from builder.models import Assistant, Graph, Run, Thread
from runtime.graphspec.schema import schema_problems

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "null"]},
    "number": {"type": ["number", "null"]},
    "integer": {"type": ["integer", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "object": {"type": ["object", "null"]},
    "array": {"type": ["array", "null"]},
    "messages": {"type": ["array", "null"]},
    "any": {},
}


def update_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one write to a spec graph's state (run input or a state update).

    What a field accepts depends on its reducer as well as its type: ``append`` takes one
    item or a list, ``messages`` whatever ``add_messages`` does, ``merge`` an object;
    ``replace`` and ``add`` take a value of the field's type. None is always allowed.
    """
    fields = ((spec.get("state") or {}).get("fields")) or []
    properties: dict[str, Any] = {}
    for field in fields:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            continue
        reducer = field.get("reducer") or "replace"
        if reducer in ("append", "messages"):
            properties[field["name"]] = {}
        elif reducer == "merge":
            properties[field["name"]] = _JSON_TYPES["object"]
        else:
            properties[field["name"]] = _JSON_TYPES.get(field.get("type") or "any", {})
    return {"type": "object", "properties": properties, "additionalProperties": False}


def graph_and_spec(
    thread: Thread, assistant: Assistant | None, *, draft: bool = False
) -> tuple[Graph, Any]:
    """The graph a new run (or state update) on ``thread`` uses and its spec (None for a
    code graph): the same choice the executor makes (see ``run_spec``); with ``draft``,
    the graph's draft as it is now (a test run)."""
    if draft:
        run = Run(thread=thread, assistant=assistant or thread.assistant)
        graph, spec = run_spec(run)
        return graph, (graph.draft if spec is not None else None)
    latest = (
        thread.runs.select_related("graph_version").order_by("-created_at").first()
        if assistant is None
        else None
    )
    return run_spec(latest or Run(thread=thread, assistant=assistant or thread.assistant))


def state_problems(values: Any, spec: Any, *base: str | int) -> list[tuple[list[str], str]]:
    """Where ``values`` (one write) breaks a spec graph's state schema: ``(path, message)``
    pairs, the path below ``base``; none for code graphs (``spec`` None)."""
    if not isinstance(spec, dict):
        return []
    out = []
    for problem in schema_problems(values, update_schema(spec), base=base):
        parts = [p.replace("~1", "/").replace("~0", "~") for p in problem.pointer.split("/")[1:]]
        out.append((parts, problem.message))
    return out
