"""Route and fan-out decisions, shared by compiled graphs and router nodes."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from runtime import sandbox
from runtime.graphspec.state import FANOUT_KEY, read_state, template_variables

DEFAULT_LABEL = "default"


def branch_label(branch: Mapping[str, Any]) -> str:
    """The path label of a branch: its label, else its target."""
    return str(branch.get("label") or branch["target"])


def choose_branch(
    route: Mapping[str, Any], state: Mapping[str, Any], defaults: Mapping[str, Any]
) -> str:
    """The label of the first branch whose ``when`` is true, else ``DEFAULT_LABEL``."""
    variables = template_variables(state, defaults)
    for branch in route["branches"]:
        if sandbox.evaluate(branch["when"], variables):
            return branch_label(branch)
    return DEFAULT_LABEL


def path_map(route: Mapping[str, Any]) -> dict[Hashable, str]:
    """Label -> target for ``add_conditional_edges``; the first branch of a label wins."""
    mapping: dict[Hashable, str] = {}
    for branch in route["branches"]:
        mapping.setdefault(branch_label(branch), branch["target"])
    mapping[DEFAULT_LABEL] = route["default"]
    return mapping


def fanout_payloads(
    fanout: Mapping[str, Any], state: Mapping[str, Any], defaults: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """One input per item of the fan-out's list field: the state plus the item."""
    view = read_state(state, defaults)
    items = view.get(fanout["items"]) or []
    if not isinstance(items, list):
        raise TypeError(f"fan-out {fanout['id']!r} needs a list in '{fanout['items']}'")
    name = fanout.get("as") or "item"
    return [{**view, FANOUT_KEY: {"name": name, "value": item}} for item in items]
