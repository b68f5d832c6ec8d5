"""The ``fake`` provider: deterministic scripted replies, for demos and tests.

Not a real model. The ``llm`` node picks the scripted reply for this turn (``script_turn``)
and renders it; without a script the fake echoes the last user message.

Settings: ``token_seconds`` paces the stream (a pause before each token after the first,
so a demo's tokens can be watched arriving; 0, the default, sends them at once) and
``sleep`` is the pause function (``time.sleep``; tests pass their own clock).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from runtime.providers.base import ChatReply, ChatRequest, Emit

_TOKEN = re.compile(r"\s*\S+|\s+")


def script_turn(messages: list[dict[str, Any]], replies: int) -> int:
    """Reply N answers the N-th assistant turn (the count of assistant messages so far);
    the last reply repeats. So an agent loop walks the script and a replay is identical."""
    turn = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")
    return min(turn, replies - 1)


def _default_content(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return f"(fake model) You said: {message.get('content', '')}"
    return "(fake model) Hello."


def chat(request: ChatRequest, emit: Emit) -> ChatReply:
    reply = request.script
    if reply is not None:
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
    if request.response_schema is not None and reply is None:
        content = json.dumps(_example(request.response_schema))
    pace = float(request.settings.get("token_seconds") or 0)
    sleep = request.settings.get("sleep") or time.sleep
    for i, token in enumerate(_TOKEN.findall(content)):
        if pace > 0 and i > 0:
            sleep(pace)
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
