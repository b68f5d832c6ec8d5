"""``tools``: runs the tool calls of the last AI message and appends the tool messages.

The calls of one message run concurrently (a model asks for several when they do not
depend on each other, and tools mostly wait on I/O): async tools on the event loop, sync
ones in threads (``asyncio.to_thread``, so they may block or use an ORM), at most
``max_concurrency`` at a time. The tool messages keep the order of the calls.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import ToolMessage

from runtime.errors import GraphInterrupt, ParentCommand
from runtime.graphspec.kinds.base import (
    BuildContext,
    CheckContext,
    NodeFunction,
    NodeKind,
    field_prop,
)
from runtime.messages import as_role_dict

DEFAULT_MAX_CONCURRENCY = 8

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Tools",
    "additionalProperties": False,
    "properties": {
        "messages_field": field_prop("Messages field to read and append to.", "messages"),
        "tools": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
            "description": "Tools this node may run (empty: every registered tool).",
        },
        "max_concurrency": {
            "type": "integer",
            "minimum": 1,
            "maximum": 64,
            "default": DEFAULT_MAX_CONCURRENCY,
            "description": "How many of the message's tool calls run at the same time.",
        },
    },
}


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    ctx.field(
        config.get("messages_field", "messages"),
        "messages_field",
        types=("messages", "array"),
        what="Messages field",
    )
    for i, name in enumerate(config.get("tools") or []):
        if name not in ctx.registry.tools:
            ctx.error(f"No tool named '{name}' is registered.", "tools", i, code="unknown_tool")


def last_tool_calls(messages: Any) -> list[Mapping[str, Any]]:
    """The tool calls of the last assistant message, if it is the last message."""
    if not isinstance(messages, list) or not messages:
        return []
    try:
        last = as_role_dict(messages[-1])
    except (TypeError, ValueError, NotImplementedError):  # not a message
        return []
    if last.get("role") != "assistant":
        return []
    return [c for c in last.get("tool_calls") or [] if isinstance(c, Mapping)]


def _result_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    field = config.get("messages_field", "messages")
    allowed = set(config.get("tools") or [])
    registry = ctx.registry.tools
    max_concurrency = int(config.get("max_concurrency", DEFAULT_MAX_CONCURRENCY))

    async def run_tool(call: Mapping[str, Any]) -> str:
        name = str(call.get("name", ""))
        tool = registry.get(name)
        if tool is None or (allowed and name not in allowed):
            return f"Error: there is no tool named {name!r}."
        args = call.get("args") or {}
        if isinstance(args, str):  # some providers send arguments as a JSON string
            try:
                args = json.loads(args or "{}")
            except ValueError:
                return f"Error: the arguments for {name!r} are not valid JSON."
        if not isinstance(args, Mapping):
            return f"Error: the arguments for {name!r} must be an object."
        try:
            if inspect.iscoroutinefunction(tool.fn):
                result = await tool.fn(**args)
            else:
                result = await asyncio.to_thread(tool.fn, **args)
                if inspect.isawaitable(result):  # a sync-looking callable returning one
                    result = await result
            return _result_text(result)
        except (GraphInterrupt, ParentCommand):
            raise  # a tool asking for a human (interrupt) pauses the run, as in a node
        except Exception as exc:  # a tool's failure is the model's to handle, not the run's
            return f"Error: {type(exc).__name__}: {exc}"

    async def tools(state: dict[str, Any]) -> dict[str, Any]:
        calls = last_tool_calls(ctx.variables(state)["state"].get(field))
        if not calls:
            return {}
        slots = asyncio.Semaphore(max_concurrency)

        async def bounded(call: Mapping[str, Any]) -> str:
            async with slots:
                return await run_tool(call)

        # gather returns results in the order of its arguments: the messages follow the
        # calls whatever order they finish in.
        contents = await asyncio.gather(*(bounded(call) for call in calls))
        results = [
            ToolMessage(content=content, tool_call_id=str(call.get("id")), name=call.get("name"))
            for call, content in zip(calls, contents, strict=True)
        ]
        return {field: results}

    return tools


KIND = NodeKind(
    kind="tools",
    title="Tools",
    description="Runs the tool calls of the last AI message with the server's registered tools, "
    "concurrently; errors become tool messages the model can read.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("messages_field",),
    outputs=("messages_field (tool messages appended)",),
)
