"""Structured diff between two GraphSpecs: what a reviewer of a new version wants to see."""

from __future__ import annotations

from typing import Any

# Collections keyed by their members' identity: lists in the spec, compared by key.
_KEYED = {
    "nodes": "id",
    "edges": "id",
    "routes": "id",
    "fanouts": "id",
}
_META = ("name", "description", "breakpoints", "metadata", "spec_version")


def _by_key(items: Any, key: str) -> dict[str, Any]:
    if not isinstance(items, list):
        return {}
    return {str(item.get(key)): item for item in items if isinstance(item, dict) and key in item}


def _compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        "added": [after[k] for k in after if k not in before],
        "removed": [before[k] for k in before if k not in after],
        "changed": [
            {"id": k, "before": before[k], "after": after[k]}
            for k in before
            if k in after and before[k] != after[k]
        ],
    }


def _fields(spec: dict[str, Any]) -> Any:
    state = spec.get("state")
    return state.get("fields") if isinstance(state, dict) else None


def spec_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``{nodes, edges, routes, fanouts, state_fields: {added, removed, changed}, meta}``."""
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    diff: dict[str, Any] = {
        name: _compare(_by_key(old.get(name), key), _by_key(new.get(name), key))
        for name, key in _KEYED.items()
    }
    diff["state_fields"] = _compare(_by_key(_fields(old), "name"), _by_key(_fields(new), "name"))
    diff["meta"] = [
        {"key": key, "before": old.get(key), "after": new.get(key)}
        for key in _META
        if old.get(key) != new.get(key)
    ]
    diff["identical"] = old == new
    return diff
