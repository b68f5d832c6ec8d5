"""Mermaid flowchart text for a spec (for the CLI and for docs), without compiling it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from runtime.graphspec.routing import branch_label

_SAFE = re.compile(r"[^A-Za-z0-9_]")
# Ids the builder makes (``n_`` + hex) are already safe Mermaid ids: prefixing them again
# gave ``n_n_...``. Other ids get the prefix so that names like ``end`` or ``graph`` (Mermaid
# keywords) stay ids.
_PREFIXED = re.compile(r"n_[A-Za-z0-9_]+")


def _ids(spec: Mapping[str, Any]) -> dict[str, str]:
    """A distinct Mermaid id for every node id of ``spec`` (and START/END)."""
    ids = {"__start__": "START", "__end__": "END"}
    used = set(ids.values())
    for node in spec.get("nodes") or []:
        name = str(node["id"])
        if name in ids:
            continue
        base = name if _PREFIXED.fullmatch(name) else "n_" + _SAFE.sub("_", name)
        candidate, n = base, 1
        while candidate in used:  # "a-b" and "a_b" must not become one node
            n += 1
            candidate = f"{base}_{n}"
        ids[name] = candidate
        used.add(candidate)
    return ids


def _text(label: str) -> str:
    return label.replace('"', "'")


def spec_to_mermaid(spec: Mapping[str, Any]) -> str:
    """``flowchart TD`` text: solid edges, dotted labelled routes, thick fan-outs."""
    ids = _ids(spec)

    def _id(name: str) -> str:
        return ids.get(name) or "n_" + _SAFE.sub("_", name)

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
