"""The ``fake`` provider: deterministic scripted replies, for demos and tests.

Not a real model. Reply number N is used for the N-th assistant turn of the conversation
(the count of assistant messages already in it), the last reply repeating after that, so
an agent loop advances through the script and a replayed run gives the same answers.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from runtime.spec.providers import ChatReply, ChatRequest, Emit

_TOKEN = re.compile(r"\s*\S+|\s+")


def _turn(messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m.get("role") == "assistant")


def _default_content(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return f"(fake model) You said: {message.get('content', '')}"
    return "(fake model) Hello."


def chat(request: ChatRequest, emit: Emit) -> ChatReply:
    script = request.script or []
    if script:
        reply = script[min(_turn(request.messages), len(script) - 1)]
        content = str(reply.get("content") or "")
        calls = [
            {
                "id": call.get("id") or f"call_{uuid.uuid4().hex[:12]}",
                "name": call["name"],
                "args": call.get("args") or {},
            }
            for call in reply.get("tool_calls") or []
        ]
    else:
        content, calls = _default_content(request.messages), []
    if request.response_schema is not None and not script:
        content = json.dumps(_example(request.response_schema))
    for token in _TOKEN.findall(content):
        emit(token, [])
    for index, call in enumerate(calls):
        emit(
            "",
            [
                {
                    "index": index,
                    "id": call["id"],
                    "name": call["name"],
                    "args": json.dumps(call["args"]),
                }
            ],
        )
    return ChatReply(content=content, tool_calls=calls)


def _example(schema: dict[str, Any]) -> Any:
    """A minimal value of a JSON Schema, so structured output works with no script."""
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(v) for k, v in props.items() if k in schema.get("required", props)}
    return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(
        kind if isinstance(kind, str) else "", None
    )
