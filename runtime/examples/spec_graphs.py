"""The JSON demo specs as StateGraph builders, for ``graphs.json`` (langgraph.json shape).

Each variable holds an uncompiled graph so the host attaches its own checkpointer and
store when it compiles it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runtime.graphspec.compiler import build_graph
from runtime.graphspec.problems import SpecError, has_errors
from runtime.graphspec.validate import validate_spec

_HERE = Path(__file__).resolve().parent


def load_demo_spec(name: str) -> dict[str, Any]:
    """A demo spec by file stem, e.g. ``load_demo_spec("support_triage")``."""
    return json.loads((_HERE / f"{name}.json").read_text("utf-8"))


def _builder(name: str) -> Any:
    spec = load_demo_spec(name)
    problems = validate_spec(spec)
    if has_errors(problems):
        raise SpecError(problems)
    graph, _options = build_graph(spec)  # the demos set no breakpoints
    return graph


support_triage = _builder("support_triage")
research_agent = _builder("research_agent")
map_reduce = _builder("map_reduce")
