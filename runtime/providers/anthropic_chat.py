"""The ``anthropic`` provider: Anthropic's Messages API, streamed."""

from __future__ import annotations

import json
from typing import Any

from runtime.providers.base import ChatReply, ChatRequest, Emit, ProviderError


def to_anthropic(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Our message dicts to (system text, Anthropic messages).

    System messages are lifted out, tool results become ``tool_result`` blocks in a user
    turn, and consecutive turns of one role are merged because the API wants alternation.
    """
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for m in messages:
        role = m.get("role", "user")
        if role == "system":
            system.append(str(m.get("content") or ""))
            continue
        blocks: list[dict[str, Any]] = []
        if role == "tool":
            blocks.append(
                {
                    "type": "tool_result",
                    "tool_use_id": m.get("tool_call_id"),
                    "content": str(m.get("content") or ""),
                }
            )
            role = "user"
        else:
            if m.get("content"):
                blocks.append({"type": "text", "text": str(m["content"])})
            for call in m.get("tool_calls") or []:
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": call.get("id"),
                        "name": call.get("name"),
                        "input": call.get("args") or {},
                    }
                )
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return "\n\n".join(system), turns


def chat(request: ChatRequest, emit: Emit) -> ChatReply:
    settings = request.settings
    if not settings.get("api_key"):
        raise ProviderError(
            "no API key for provider 'anthropic': set ANTHROPIC_API_KEY or the server's "
            "provider settings"
        )
    import anthropic  # slow to import; only when the provider is really used

    client = anthropic.Anthropic(
        api_key=settings["api_key"],
        base_url=settings.get("base_url"),
        timeout=request.timeout,
        max_retries=int(settings.get("max_retries", 2)),
    )
    system, turns = to_anthropic(request.messages)
    if request.response_schema is not None:
        # No native JSON mode on every model: ask for the JSON and validate it afterwards.
        system += "\n\nReply with only a JSON value matching this JSON Schema:\n" + json.dumps(
            request.response_schema
        )
    params: dict[str, Any] = {
        "model": request.model,
        "messages": turns,
        "max_tokens": request.max_tokens or 1024,
    }
    if system.strip():
        params["system"] = system.strip()
    if request.temperature is not None:
        params["temperature"] = request.temperature
    if request.tools:
        params["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in request.tools
        ]
    try:
        with client.messages.stream(**params) as stream:
            for event in stream:
                if event.type == "content_block_delta":
                    if event.delta.type == "text_delta":
                        emit(event.delta.text, [])
                    elif event.delta.type == "input_json_delta":
                        emit("", [{"index": event.index, "args": event.delta.partial_json}])
                elif event.type == "content_block_start" and event.content_block.type == "tool_use":
                    block = event.content_block
                    emit(
                        "", [{"index": event.index, "id": block.id, "name": block.name, "args": ""}]
                    )
            final = stream.get_final_message()
    except anthropic.AnthropicError as exc:
        raise ProviderError(f"the Anthropic API failed: {exc}") from exc
    text = "".join(b.text for b in final.content if b.type == "text")
    calls = [
        {"id": b.id, "name": b.name, "args": dict(b.input or {})}
        for b in final.content
        if b.type == "tool_use"
    ]
    return ChatReply(content=text, tool_calls=calls)
