"""``transform``: sets state fields from expressions, templates or constants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.graphspec.kinds.base import (
    BuildContext,
    CheckContext,
    NodeFunction,
    NodeKind,
    assignments_of,
    field_prop,
)

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Transform",
    "required": ["set"],
    "additionalProperties": False,
    "properties": {
        "set": {
            "type": "array",
            "title": "Assignments",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["field"],
                "additionalProperties": False,
                "properties": {
                    "field": field_prop("State field to write."),
                    "expression": {
                        "type": "string",
                        "description": "Expression giving the value, e.g. state.count + 1",
                    },
                    "template": {
                        "type": "string",
                        "description": "Text template, e.g. Hello {{ state.name }}",
                    },
                    "value": {"description": "A constant value."},
                },
                "oneOf": [
                    {"title": "Expression", "required": ["expression"]},
                    {"title": "Template", "required": ["template"]},
                    {"title": "Constant", "required": ["value"]},
                ],
            },
        }
    },
}


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    for i, item in enumerate(assignments_of(config, "set")):
        ctx.field(item.get("field"), "set", i, "field")
        if "expression" in item:
            ctx.expression(item["expression"], "set", i, "expression")
        if "template" in item:
            ctx.template(item["template"], "set", i, "template")


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    assignments = assignments_of(config, "set")

    def transform(state: dict[str, Any]) -> dict[str, Any]:
        # Every assignment reads the state as it was when the node started.
        variables = ctx.variables(state)
        from runtime import sandbox

        update: dict[str, Any] = {}
        for item in assignments:
            if "expression" in item:
                update[item["field"]] = sandbox.evaluate(item["expression"], variables)
            elif "template" in item:
                update[item["field"]] = sandbox.render(item["template"], variables)
            else:
                update[item["field"]] = item.get("value")
        return update

    return transform


KIND = NodeKind(
    kind="transform",
    title="Transform",
    description="Writes state fields computed from expressions, text templates or constants.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("state fields named in the expressions",),
    outputs=("each assigned field",),
    ui_schema={"set": {"items": {"template": {"ui:widget": "textarea"}}}},
)
