"""Mermaid flowchart text for a spec (for the CLI and for docs), without compiling it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from runtime.spec.routing import branch_label

_SAFE = re.compile(r"[^A-Za-z0-9_]")


def _id(name: str) -> str:
    return {"__start__": "START", "__end__": "END"}.get(name, "n_" + _SAFE.sub("_", name))


def _text(label: str) -> str:
    return label.replace('"', "'")


def spec_to_mermaid(spec: Mapping[str, Any]) -> str:
    """``flowchart TD`` text: solid edges, dotted labelled routes, thick fan-outs."""
    lines = ["flowchart TD", '    START(["__start__"])', '    END(["__end__"])']
    for node in spec.get("nodes") or []:
        label = _text(f"{node.get('label') or node['id']} ({node.get('kind')})")
        lines.append(f'    {_id(node["id"])}["{label}"]')
    for edge in spec.get("edges") or []:
        lines.append(f"    {_id(edge['source'])} --> {_id(edge['target'])}")
    for route in spec.get("routes") or []:
        for branch in route.get("branches") or []:
            lines.append(
                f'    {_id(route["source"])} -.->|"{_text(branch_label(branch))}"| '
                f"{_id(branch['target'])}"
            )
        lines.append(f'    {_id(route["source"])} -.->|"default"| {_id(route["default"])}')
    for fanout in spec.get("fanouts") or []:
        lines.append(
            f'    {_id(fanout["source"])} ==>|"each {_text(fanout["items"])}"| {_id(fanout["target"])}'
        )
    return "\n".join(lines) + "\n"
