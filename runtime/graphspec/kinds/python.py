"""``python``: calls a function registered on the server by name.

Code typed in a browser is never run: the spec only names a function the host registered
(``Registry.functions``) or a package exposed in the ``switchyard.functions`` entry points.
"""

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

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Python function",
    "required": ["function"],
    "additionalProperties": False,
    "properties": {
        "function": {
            "type": "string",
            "minLength": 1,
            "description": "Name of a function registered on the server.",
        },
        "args": {
            "type": "object",
            "description": "Keyword arguments: name -> expression over state.",
            "additionalProperties": {"type": "string"},
        },
        "output_field": field_prop(
            "Optional field that receives the return value; without it the function must "
            "return a dict of field updates."
        ),
    },
}


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    name = config.get("function")
    if isinstance(name, str) and not ctx.registry.has_function(name):
        known = ctx.registry.function_names()
        hint = f" Known functions: {', '.join(known)}." if known else ""
        ctx.error(
            f"No function named '{name}' is registered on this server.{hint}",
            "function",
            code="unknown_function",
        )
    for arg, source in (config.get("args") or {}).items():
        ctx.expression(source, "args", arg)
    if config.get("output_field"):
        ctx.field(config["output_field"], "output_field")


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    name = config["function"]
    fn = ctx.registry.function(name)
    if fn is None:  # validation prevents this; keep the message clear if a host skips it
        raise LookupError(f"no function named {name!r} is registered")
    args: dict[str, str] = dict(config.get("args") or {})
    output = config.get("output_field")

    def python(state: dict[str, Any]) -> dict[str, Any]:
        variables = ctx.variables(state)
        kwargs = {key: ctx.evaluate(src, state) for key, src in args.items()}
        result = fn(dict(variables["state"]), **kwargs)
        if output:
            return {output: result}
        if result is None:
            return {}
        if not isinstance(result, Mapping):
            raise TypeError(
                f"function {name!r} returned a {type(result).__name__}; without an output "
                "field it must return a dict of state updates"
            )
        unknown = sorted(set(result) - set(ctx.fields))
        if unknown:
            raise KeyError(f"function {name!r} wrote unknown state fields: {', '.join(unknown)}")
        return dict(result)

    return python


KIND = NodeKind(
    kind="python",
    title="Python function",
    description="Calls a function registered on the server (code from the browser is never run).",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("the whole state", "args"),
    outputs=("output_field, or the fields the function returns",),
)
