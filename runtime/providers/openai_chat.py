"""The ``openai`` provider: any OpenAI-compatible chat-completions endpoint, streamed."""

from __future__ import annotations

import json
from typing import Any

from runtime.providers.base import ChatReply, ChatRequest, Emit, ProviderError


def to_openai_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our message dicts to the chat-completions wire shape."""
    out: list[dict[str, Any]] = []
    for m in messages:
        role = m.get("role", "user")
        item: dict[str, Any] = {"role": role, "content": m.get("content") or ""}
        if role == "assistant" and m.get("tool_calls"):
            item["tool_calls"] = [
                {
                    "id": c.get("id"),
                    "type": "function",
                    "function": {
                        "name": c.get("name"),
                        "arguments": json.dumps(c.get("args") or {}),
                    },
                }
                for c in m["tool_calls"]
            ]
        if role == "tool":
            item["tool_call_id"] = m.get("tool_call_id")
        out.append(item)
    return out


def chat(request: ChatRequest, emit: Emit) -> ChatReply:
    import openai

    settings = request.settings
    api_key = settings.get("api_key")
    if not api_key and not settings.get("base_url"):
        raise ProviderError(
            "no API key for provider 'openai': set OPENAI_API_KEY or the server's provider settings"
        )
    client = openai.OpenAI(
        api_key=api_key or "unused",
        base_url=settings.get("base_url"),
        timeout=request.timeout,
        max_retries=int(settings.get("max_retries", 2)),
    )
    params: dict[str, Any] = {
        "model": request.model,
        "messages": to_openai_messages(request.messages),
        "stream": True,
    }
    if request.tools:
        params["tools"] = [t.openai_spec() for t in request.tools]
    if request.temperature is not None:
        params["temperature"] = request.temperature
    if request.max_tokens is not None:
        params["max_tokens"] = request.max_tokens
    if request.response_schema is not None:
        params["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "output", "schema": request.response_schema},
        }
    text: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    try:
        stream = client.chat.completions.create(**params)
        for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            pieces: list[dict[str, Any]] = []
            for tc in delta.tool_calls or []:
                slot = calls.setdefault(tc.index, {"id": None, "name": "", "arguments": ""})
                name = tc.function.name if tc.function else None
                args = tc.function.arguments if tc.function else None
                slot["id"] = tc.id or slot["id"]
                slot["name"] += name or ""
                slot["arguments"] += args or ""
                pieces.append({"index": tc.index, "id": tc.id, "name": name, "args": args or ""})
            if delta.content or pieces:
                text.append(delta.content or "")
                emit(delta.content or "", pieces)
    except openai.OpenAIError as exc:
        raise ProviderError(f"the OpenAI-compatible endpoint failed: {exc}") from exc
    tool_calls = []
    for index in sorted(calls):
        slot = calls[index]
        try:
            args = json.loads(slot["arguments"] or "{}")
        except ValueError:
            args = {"_raw": slot["arguments"]}
        tool_calls.append({"id": slot["id"] or f"call_{index}", "name": slot["name"], "args": args})
    return ChatReply(content="".join(text), tool_calls=tool_calls)
