"""``router``: a decision point; its outgoing routes pick the next node by expressions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.graphspec.kinds.base import (
    BuildContext,
    CheckContext,
    NodeFunction,
    NodeKind,
    field_prop,
)
from runtime.graphspec.problems import Problem, pointer
from runtime.graphspec.routing import choose_branch

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Router",
    "additionalProperties": False,
    "properties": {
        "record_field": field_prop(
            "Optional string field that receives the label of the branch taken."
        ),
    },
}


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    if not ctx.routes:
        ctx.problems.append(
            Problem(
                pointer("nodes", ctx.index),
                f"Router '{ctx.node_id}' has no route leaving it; add branches with conditions.",
                "error",
                "router_without_route",
            )
        )
    if config.get("record_field"):
        ctx.field(config["record_field"], "record_field", types=("string",), what="Record field")


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    record = config.get("record_field")

    def router(state: dict[str, Any]) -> dict[str, Any]:
        # Routing itself happens on the route's conditional edge; the node may record it.
        if record and ctx.routes:
            return {record: choose_branch(ctx.routes[0], state, ctx.defaults)}
        return {}

    return router


KIND = NodeKind(
    kind="router",
    title="Router",
    description="Sends control to the first branch whose condition holds, else to the default.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("any state field named in the branch conditions",),
    outputs=("record_field (optional)",),
)
