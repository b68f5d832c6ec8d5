"""``llm``: one chat-model call, streamed token by token on the ``messages`` stream mode.

API keys never come from the spec: providers read them from the host's provider settings
(``Registry.providers``) or environment variables. ``fake`` is the default provider: a
deterministic scripted stand-in (not a real model) used by demos and tests.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk

from runtime.graphspec.kinds.base import (
    BuildContext,
    CheckContext,
    NodeFunction,
    NodeKind,
    field_prop,
)
from runtime.graphspec.schema import check_schema, schema_problems
from runtime.messages import as_role_dict
from runtime.providers import ChatRequest, ProviderError, check_base_url, get_provider
from runtime.providers.fake import script_turn

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "LLM",
    "additionalProperties": False,
    "properties": {
        "provider": {
            "enum": ["fake", "openai", "anthropic"],
            "default": "fake",
            "description": "fake: scripted replies, not a real model (for demos and tests).",
        },
        "model": {"type": "string", "minLength": 1, "default": "fake-1"},
        "system": {"type": "string", "description": "System prompt (template)."},
        "messages": {
            "type": "array",
            "description": "Messages added after the input conversation (templates).",
            "items": {
                "type": "object",
                "required": ["role", "content"],
                "additionalProperties": False,
                "properties": {
                    "role": {"enum": ["user", "assistant", "system"]},
                    "content": {"type": "string"},
                },
            },
        },
        "input_messages_field": {
            "type": ["string", "null"],
            "default": "messages",
            "description": "Conversation field sent to the model (null: none).",
        },
        "output_field": field_prop(
            "Field that receives the reply: a messages field gets the AI message appended, "
            "any other field the text (or the parsed structured output).",
            "messages",
        ),
        "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        "max_tokens": {"type": "integer", "minimum": 1, "maximum": 200000},
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 600, "default": 60},
        "tools": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
            "description": "Registered tools the model may call.",
        },
        "structured_output": {
            "type": "object",
            "description": "JSON Schema the reply must match; the parsed object is stored.",
        },
        "fake_replies": {
            "type": "array",
            "description": "Scripted replies of the fake provider; reply N answers the N-th "
            "assistant turn (the last one repeats).",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "content": {"type": "string", "description": "Reply text (template)."},
                    "tool_calls": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name"],
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string"},
                                "args": {
                                    "type": "object",
                                    "description": "String values are templates.",
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    if "system" in config:
        ctx.template(config["system"], "system")
    for i, message in enumerate(config.get("messages") or []):
        ctx.template(message.get("content"), "messages", i, "content")
    field = config.get("input_messages_field", "messages")
    if field:
        ctx.field(
            field, "input_messages_field", types=("messages", "array"), what="Input messages field"
        )
    ctx.field(config.get("output_field", "messages"), "output_field", what="Output field")
    for i, name in enumerate(config.get("tools") or []):
        if name not in ctx.registry.tools:
            ctx.error(f"No tool named '{name}' is registered.", "tools", i, code="unknown_tool")
    if "structured_output" in config:
        why = check_schema(config["structured_output"])
        if why:
            ctx.error(f"Not a valid JSON Schema: {why}.", "structured_output")
    provider = config.get("provider", "fake")
    if config.get("fake_replies") and provider != "fake":
        ctx.warning("Scripted replies are used only by the fake provider.", "fake_replies")
    for i, reply in enumerate(config.get("fake_replies") or []):
        if "content" in reply:
            ctx.template(reply["content"], "fake_replies", i, "content")
        for j, call in enumerate(reply.get("tool_calls") or []):
            for arg, value in (call.get("args") or {}).items():
                if isinstance(value, str):
                    ctx.template(value, "fake_replies", i, "tool_calls", j, "args", arg)


def _message_writer() -> Callable[[Any], None] | None:
    try:
        from runtime.stream import get_message_writer

        return get_message_writer()
    except Exception:  # outside a run, or an engine without token streaming
        return None


def _plain(message: Any) -> dict[str, Any]:
    try:
        return as_role_dict(message)
    except (TypeError, ValueError, NotImplementedError):  # not message-like: the user's words
        return {"role": "user", "content": str(message)}


def _tool_call(call: Mapping[str, Any]) -> dict[str, Any]:
    args = call.get("args")
    if isinstance(args, str):  # a provider that sent the arguments as JSON text
        try:
            args = json.loads(args or "{}")
        except ValueError:
            args = {"__raw__": args}
    return {"id": call.get("id"), "name": call.get("name"), "args": args or {}, "type": "tool_call"}


def parse_structured(content: str, schema: Mapping[str, Any]) -> Any:
    """Parse a JSON reply (tolerating a ``` fence) and check it against the schema."""
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`")
        text = text[text.find("\n") + 1 :] if "\n" in text else text
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ProviderError(f"the model's reply is not JSON: {exc}") from None
    problems = schema_problems(value, dict(schema), ("output",))
    if problems:
        raise ProviderError("the model's reply does not match the schema: " + problems[0].message)
    return value


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    provider = config.get("provider", "fake")
    chat = get_provider(provider)
    input_field = config.get("input_messages_field", "messages")
    output = config.get("output_field", "messages")
    out_spec = ctx.fields.get(output, {})
    output_is_messages = out_spec.get("type") == "messages" or out_spec.get("reducer") == "messages"
    schema = config.get("structured_output")
    tools = [ctx.registry.tools.tools[n] for n in config.get("tools") or []]

    def render_script(state: Mapping[str, Any], messages: list[dict[str, Any]]) -> Any:
        # Only this turn's reply is rendered: later replies may read messages not yet there.
        replies = config.get("fake_replies") or []
        if provider != "fake" or not replies:
            return None
        reply = replies[script_turn(messages, len(replies))]
        # Ids derived from where we are in the conversation, so a replayed or forked run
        # produces the same tool-call ids (and ids never repeat within one conversation).
        seed = f"{ctx.node_id}:{len(messages)}"
        calls = [
            {
                "id": "call_" + hashlib.sha256(f"{seed}:{j}".encode()).hexdigest()[:12],
                "name": call["name"],
                "args": {
                    k: ctx.render(v, state) if isinstance(v, str) else v
                    for k, v in (call.get("args") or {}).items()
                },
            }
            for j, call in enumerate(reply.get("tool_calls") or [])
        ]
        return {"content": ctx.render(reply.get("content"), state), "tool_calls": calls}

    def llm(state: dict[str, Any]) -> dict[str, Any]:
        view = ctx.variables(state)["state"]
        messages: list[dict[str, Any]] = []
        if config.get("system"):
            messages.append({"role": "system", "content": ctx.render(config["system"], state)})
        if input_field:
            messages.extend(_plain(m) for m in view.get(input_field) or [])
        for extra in config.get("messages") or []:
            messages.append({"role": extra["role"], "content": ctx.render(extra["content"], state)})
        request = ChatRequest(
            model=config.get("model", "fake-1"),
            messages=messages,
            tools=tools,
            temperature=config.get("temperature"),
            max_tokens=config.get("max_tokens"),
            response_schema=schema,
            settings=ctx.registry.provider_settings(provider),
            timeout=float(config.get("timeout", 60)),
            script=render_script(state, messages),
        )
        message_id = f"msg-{uuid.uuid4().hex}"
        writer = _message_writer()

        def emit(text: str, pieces: list[dict[str, Any]]) -> None:
            if writer is not None:
                writer(AIMessageChunk(id=message_id, content=text, tool_call_chunks=pieces))  # type: ignore[arg-type]

        check_base_url(request.settings)
        reply = chat(request, emit)
        value: Any = reply.content
        if schema is not None:
            value = parse_structured(reply.content, schema)
        if output_is_messages:
            message = AIMessage(
                content=reply.content,
                id=message_id,
                tool_calls=[_tool_call(c) for c in reply.tool_calls],
                # Lets the debugger label replies of the scripted fake as not a real model.
                response_metadata={"provider": provider, "model": request.model},
            )
            return {output: [message]}
        return {output: value}

    return llm


KIND = NodeKind(
    kind="llm",
    title="LLM",
    description="Calls a chat model (OpenAI-compatible, Anthropic, or the scripted fake) "
    "with templated prompts, optional tools and structured output; tokens stream live.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("input_messages_field", "state fields named in the templates"),
    outputs=("output_field",),
    ui_schema={
        "system": {"ui:widget": "textarea"},
        "messages": {"items": {"content": {"ui:widget": "textarea"}}},
        "fake_replies": {"items": {"content": {"ui:widget": "textarea"}}},
    },
)
