"""The built-in node kinds, by name, and the catalog the API serves."""

from __future__ import annotations

from typing import Any

from runtime.graphspec.kinds import http, human, llm, python, router, subgraph, tools, transform
from runtime.graphspec.kinds.base import BuildContext, CheckContext, NodeKind

KINDS: dict[str, NodeKind] = {
    k.kind: k
    for k in (
        llm.KIND,
        tools.KIND,
        router.KIND,
        human.KIND,
        transform.KIND,
        http.KIND,
        python.KIND,
        subgraph.KIND,
    )
}


def get_kind(name: str) -> NodeKind | None:
    return KINDS.get(name)


def catalog() -> list[dict[str, Any]]:
    """``[{kind, title, description, config_schema, inputs, outputs}]`` for every kind."""
    return [kind.catalog_entry() for kind in KINDS.values()]


__all__ = ["KINDS", "BuildContext", "CheckContext", "NodeKind", "catalog", "get_kind"]
