"""Chat messages in LangChain's serialized form, as LangGraph Server sends them.

The engine may hold a message as a LangChain object (dumped to a dict with ``type``
"human" / "ai" / "AIMessageChunk"...) or as an OpenAI-style dict (``role`` "user" /
"assistant"...). Clients read only the first form: ``type``, ``content``, ``id``,
``name``, ``additional_kwargs``, ``response_metadata`` and the fields of each type
(``tool_calls``, ``invalid_tool_calls``, ``usage_metadata`` for AI messages,
``tool_call_id``, ``artifact``, ``status`` for tool messages).
"""

from __future__ import annotations

import json
from typing import Any

_ROLE_TYPES = {
    "user": "human",
    "human": "human",
    "assistant": "ai",
    "ai": "ai",
    "system": "system",
    "developer": "system",
    "tool": "tool",
    "function": "function",
    "remove": "remove",
}
_TYPES = {"human", "ai", "system", "tool", "function", "chat", "remove"}
_CHUNK_SUFFIX = "MessageChunk"
# The fields each type carries, with their defaults (LangChain's model_dump order).
_BASE = {"content": "", "additional_kwargs": {}, "response_metadata": {}}
_EXTRA: dict[str, dict[str, Any]] = {
    "ai": {"tool_calls": [], "invalid_tool_calls": [], "usage_metadata": None},
    "tool": {"artifact": None, "status": "success"},
    "chat": {"role": None},
}
# Fields of the OpenAI-style form that LangChain spells differently or keeps elsewhere.
_OPENAI_ONLY = ("role",)


def message_type(value: Any) -> str | None:
    """The LangChain type of a message-shaped dict ("ai", "human", "AIMessageChunk"...),
    else None."""
    if not isinstance(value, dict) or "content" not in value:
        return None
    kind = value.get("type")
    if isinstance(kind, str):
        if kind in _TYPES:
            return kind
        if kind.endswith(_CHUNK_SUFFIX) and _base_type(kind) is not None:
            return kind
        return None
    role = value.get("role")
    return _ROLE_TYPES.get(role) if isinstance(role, str) else None


def _base_type(kind: str) -> str | None:
    """ "ai" for "AIMessageChunk", "ai" for "ai"."""
    if kind.endswith(_CHUNK_SUFFIX):
        return _ROLE_TYPES.get(kind[: -len(_CHUNK_SUFFIX)].lower())
    return kind


def message(value: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """One message in LangChain's serialized form (``kind``: its type, when known;
    a chunk keeps its chunk type, as in LangGraph's ``messages`` stream)."""
    kind = kind or message_type(value) or "ai"
    base = _base_type(kind) or "ai"
    out: dict[str, Any] = {**_BASE}
    out.update((k, v) for k, v in value.items() if k not in _OPENAI_ONLY)
    out["type"] = kind
    out.setdefault("name", None)
    out.setdefault("id", None)
    for key, default in _EXTRA.get(base, {}).items():
        out.setdefault(key, default)
    if base == "ai":
        out["tool_calls"] = [_tool_call(c) for c in out.get("tool_calls") or ()]
    if kind != base:
        out.setdefault("tool_call_chunks", [])
    return out


def whole_message(value: dict[str, Any]) -> dict[str, Any]:
    """A message, or a chunk's accumulation read as the whole message it is so far
    (``messages/partial`` and ``messages/complete`` carry whole messages)."""
    kind = message_type(value) or "ai"
    return message(value, _base_type(kind) or "ai")


def _tool_call(call: Any) -> Any:
    """LangChain's tool call: ``{name, args, id, type: "tool_call"}``, from the OpenAI
    form (``{id, function: {name, arguments}}``) too."""
    if not isinstance(call, dict):
        return call
    function = call.get("function")
    if isinstance(function, dict) and "name" not in call:
        args = function.get("arguments")
        try:
            args = json.loads(args) if isinstance(args, str) else (args or {})
        except ValueError:
            args = {"arguments": args}
        return {
            "name": function.get("name"),
            "args": args,
            "id": call.get("id"),
            "type": "tool_call",
        }
    return {**call, "type": call.get("type") or "tool_call"}


def with_messages(value: Any) -> Any:
    """``value`` with every message in it in LangChain's serialized form.

    Walks lists and dicts; a dict that is a message is converted (and not walked
    further). Values without messages come back as they are (the same objects).
    """
    if isinstance(value, list):
        converted = [with_messages(v) for v in value]
        same = all(a is b for a, b in zip(converted, value, strict=True))
        return value if same else converted
    if isinstance(value, dict):
        kind = message_type(value)
        if kind is not None:
            return message(value, kind)
        changed = {}
        for key, item in value.items():
            if isinstance(item, list | dict):
                new = with_messages(item)
                if new is not item:
                    changed[key] = new
        return {**value, **changed} if changed else value
    return value
