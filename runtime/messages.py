"""Chat messages: LangChain message objects, the ``add_messages`` reducer, their JSON form.

Messages are LangChain message objects (``HumanMessage``, ``AIMessage``, ``ToolMessage``...),
as in LangGraph: writers may pass message objects, strings (a human message), ``(role,
content)`` pairs or dicts (OpenAI ``role`` style or LangChain ``type`` style), and the state
holds the coerced objects, each with an id. ``runtime.graph.message`` publishes these at
LangGraph's module path.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from functools import partial
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import (
    AnyMessage,
    BaseMessage,
    BaseMessageChunk,
    RemoveMessage,
    convert_to_messages,
    convert_to_openai_messages,
    message_chunk_to_message,
)

REMOVE_ALL_MESSAGES = "__remove_all__"

Messages = list[Any] | Any


def coerce_messages(messages: Sequence[Any]) -> list[BaseMessage]:
    """Message objects for message-likes; plain (non-chunk) messages pass as they are."""
    kinds = {type(m) for m in messages}
    if all(issubclass(k, BaseMessage) and not issubclass(k, BaseMessageChunk) for k in kinds):
        return list(messages)
    return [message_chunk_to_message(m) for m in convert_to_messages(messages)]  # type: ignore[arg-type]


def as_message_list(value: Any) -> list[Any]:
    """A write to a messages field as a list (one message-like becomes a list of one)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _merge(
    left: Messages, right: Messages, format: Literal["langchain-openai"] | None = None
) -> list[BaseMessage]:
    if format is not None and format != "langchain-openai":
        raise ValueError(
            f"Unrecognized format={format!r}. Expected one of 'langchain-openai', None."
        )
    old = coerce_messages(as_message_list(left))
    new = coerce_messages(as_message_list(right))
    for m in old:
        if m.id is None:
            m.id = str(uuid.uuid4())
    remove_all = None
    for i, m in enumerate(new):
        if m.id is None:
            m.id = str(uuid.uuid4())
        if isinstance(m, RemoveMessage) and m.id == REMOVE_ALL_MESSAGES:
            remove_all = i
    if remove_all is not None:
        return new[remove_all + 1 :]
    merged = list(old)
    index = {m.id: i for i, m in enumerate(merged)}
    removed: set[str] = set()
    for m in new:
        at = index.get(m.id)
        if at is not None:
            if isinstance(m, RemoveMessage):
                removed.add(m.id)  # type: ignore[arg-type]
            else:
                removed.discard(m.id)  # type: ignore[arg-type]
                merged[at] = m
        elif isinstance(m, RemoveMessage):
            raise ValueError(
                f"Attempting to delete a message with an ID that doesn't exist ('{m.id}')"
            )
        else:
            index[m.id] = len(merged)
            merged.append(m)
    if removed:
        merged = [m for m in merged if m.id not in removed]
    if format == "langchain-openai":
        merged = convert_to_messages(convert_to_openai_messages(merged))
    return merged


def add_messages(
    left: Messages | None = None,
    right: Messages | None = None,
    *,
    format: Literal["langchain-openai"] | None = None,
) -> Any:
    """Merge ``right`` into ``left``: new ids append, existing ids replace, RemoveMessage deletes.

    Messages without an id get a UUID. ``RemoveMessage(id=REMOVE_ALL_MESSAGES)`` drops
    everything before it. Called with no messages (``add_messages(format="langchain-openai")``)
    it returns the reducer with that option, whose result has OpenAI-formatted contents.
    """
    if left is not None and right is not None:
        return _merge(left, right, format)
    if left is not None or right is not None:
        raise ValueError(
            "Must specify non-null arguments for both 'left' and 'right'. Only "
            f"received: '{'left' if left is not None else 'right'}'."
        )
    return partial(_merge, format=format)


add_messages.append_only = True  # type: ignore[attr-defined]


def is_add_messages(reducer: Any) -> bool:
    """Whether ``reducer`` is ``add_messages`` (without options the channel's fast path takes)."""
    return reducer is add_messages or (
        isinstance(reducer, partial)
        and reducer.func is _merge
        and not reducer.keywords.get("format")
    )


class MessagesState(TypedDict):
    """A state with one field, ``messages``, reduced by ``add_messages``."""

    messages: Annotated[list[AnyMessage], add_messages]


def _json_default(obj: Any) -> Any:
    if isinstance(obj, BaseMessage):
        return obj.model_dump(mode="json")  # LangGraph Server's form: type, content, id, ...
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    as_dict = getattr(obj, "_asdict", None)
    if callable(as_dict):
        return as_dict()
    if isinstance(obj, set | frozenset):
        return list(obj)
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    return str(obj)


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of ``value`` as LangGraph Server shows it to clients.

    Messages become their serialized form (``type`` "human" / "ai" / "tool" / "system",
    ``id``, ``content``, ``tool_calls``, ``additional_kwargs``, ``response_metadata``...),
    other models and dataclasses their fields; anything else unknown its ``str``. Readable,
    not round-trippable: checkpoints use ``runtime.checkpoint.serde``.
    """
    return json.loads(json.dumps(value, default=_json_default))


_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def as_role_dict(message: Any) -> dict[str, Any]:
    """A message as an OpenAI-style dict (``role``, ``content``, ``tool_calls`` as
    ``{"id", "name", "args"}``, ``tool_call_id``), the form the LLM providers send."""
    if isinstance(message, dict) and "role" in message:
        return dict(message)
    msg = coerce_messages([message])[0]
    out: dict[str, Any] = {"role": _ROLES.get(msg.type, msg.type), "content": msg.content}
    if msg.id is not None:
        out["id"] = msg.id
    calls = getattr(msg, "tool_calls", None)
    if calls:
        out["tool_calls"] = [
            {"id": c.get("id"), "name": c["name"], "args": c["args"]} for c in calls
        ]
    tool_call_id = getattr(msg, "tool_call_id", None)
    if tool_call_id is not None:
        out["tool_call_id"] = tool_call_id
    if msg.name:
        out["name"] = msg.name
    return out
