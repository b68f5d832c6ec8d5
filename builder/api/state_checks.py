"""Checks of run options and state values against the graph they are for, made in the
API layer before a run or a checkpoint is created: a bad option is a 400 naming its
field, not a run that fails with ``__error__``.

Graphs built from a GraphSpec have typed state: input and state updates are validated
against a JSON Schema derived from the spec's state fields (unknown keys are refused,
unlike LangGraph, which drops them). Code-defined graphs declare no JSON types and stay
permissive about values.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from builder.execution.graphs import load_code_graph
from builder.models import Graph
from builder.selectors.state_schema import graph_and_spec, state_problems

__all__ = ["check_run_options", "check_state_values", "graph_and_spec"]


def node_names(graph: Graph, spec: Any) -> list[str] | None:
    """The names ``interrupt_before``/``interrupt_after`` may list; None when the graph
    does not say (a code graph object without ``nodes``)."""
    if spec is None:
        from runtime.graphspec import ensure_compiled

        try:
            nodes = ensure_compiled(load_code_graph(graph.code_ref or graph.slug)).nodes
        except Exception:  # the run itself reports a graph that does not load
            return None
        return sorted(nodes) if isinstance(nodes, dict) else None
    nodes = spec.get("nodes") if isinstance(spec, dict) else None
    return sorted(n["id"] for n in nodes or [] if isinstance(n, dict) and "id" in n)


def recursion_limit_error(config: Any) -> str | None:
    """Why ``config["recursion_limit"]`` is unusable, or None (also when absent)."""
    if not isinstance(config, dict) or "recursion_limit" not in config:
        return None
    limit = config["recursion_limit"]
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        return "expected a positive integer"
    return None


class RunConfigField(serializers.JSONField):
    """A run config object (assistants keep one): ``recursion_limit`` a positive integer."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("expected a JSON object")
        problem = recursion_limit_error(value)
        if problem:
            raise serializers.ValidationError({"recursion_limit": [problem]})
        return value


def check_run_options(data: dict[str, Any], graph: Graph, spec: Any) -> None:
    """Raise a 400 for options the run would fail on: a recursion limit that is not a
    positive integer, input that is not an object or breaks the state's types, interrupt
    nodes the graph does not have."""
    errors: dict[str, Any] = {}
    problem = recursion_limit_error(data.get("config"))
    if problem:
        errors["config"] = {"recursion_limit": [problem]}
    value = data.get("input")
    if value is not None:
        if not isinstance(value, dict):
            errors["input"] = ["expected an object (the graph's state keys and their values)"]
        elif isinstance(spec, dict):
            _merge(errors, _schema_errors(value, spec, "input"))
    for option in ("interrupt_before", "interrupt_after"):
        wanted = data.get(option)
        if not wanted or wanted == ["*"]:
            continue
        names = node_names(graph, spec)
        if names is None:
            continue
        bad = {
            i: [f"unknown node {name!r}: expected '*' or one of {', '.join(names) or '(none)'}"]
            for i, name in enumerate(wanted)
            if name != "*" and name not in names
        }
        if bad:
            errors[option] = [bad.get(i, []) for i in range(len(wanted))]
    if errors:
        raise serializers.ValidationError(errors)


def check_state_values(values: Any, spec: Any) -> None:
    """Raise a 400 when a state update's ``values`` break a spec graph's state schema."""
    if values is None or not isinstance(spec, dict):
        return
    if isinstance(values, dict):
        errors = _schema_errors(values, spec, "values")
    elif isinstance(values, list):
        errors = {}
        for i, item in enumerate(values):
            _merge(errors, _schema_errors(item, spec, "values", i))
    else:
        errors = {"values": ["expected an object (state keys and their new values)"]}
    if errors:
        raise serializers.ValidationError(errors)


def _schema_errors(value: Any, spec: dict[str, Any], *base: str | int) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for parts, message in state_problems(value, spec, *base):
        _merge(errors, _nest(parts, message))
    return errors


def _nest(parts: list[str], message: str) -> dict[str, Any]:
    node: Any = [message]
    for part in reversed(parts):
        node = {part: node}
    return node


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(into.get(key), dict) and isinstance(value, dict):
            _merge(into[key], value)
        elif isinstance(into.get(key), list) and isinstance(value, list):
            into[key].extend(value)
        else:
            into[key] = value
