"""Chat messages as OpenAI-style dicts, and the ``add_messages`` reducer.

A message is ``{"role": "user" | "assistant" | "system" | "tool", "content": ..., "id": ...}``
(assistant messages may carry ``tool_calls``, tool messages ``tool_call_id``). Writers may
also pass a string (a user message), a ``(role, content)`` pair, or LangChain-style dicts
with ``type`` ``human`` / ``ai`` / ``system`` / ``tool``.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypedDict

REMOVE_ALL_MESSAGES = "__remove_all__"

_TYPE_TO_ROLE = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def RemoveMessage(id: str) -> dict[str, Any]:  # noqa: N802 - LangChain's name
    """A message that, written through ``add_messages``, removes the message with ``id``."""
    return {"type": "remove", "id": id}


def _coerce(message: Any) -> dict[str, Any]:
    if isinstance(message, str):
        return {"role": "user", "content": message}
    if isinstance(message, tuple | list) and len(message) == 2 and isinstance(message[0], str):
        role = _TYPE_TO_ROLE.get(message[0], message[0])
        return {"role": role, "content": message[1]}
    if isinstance(message, dict):
        if "role" not in message and message.get("type") in _TYPE_TO_ROLE:
            message = {**message, "role": _TYPE_TO_ROLE[message["type"]]}
        return message
    dump = getattr(message, "model_dump", None)
    if callable(dump):  # a LangChain message object
        return _coerce(dump())
    raise TypeError(
        f"add_messages expects dict messages, strings or (role, content) pairs, got {type(message).__name__}"
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, tuple) and not (len(value) == 2 and isinstance(value[0], str)):
        return list(value)
    return [value]


def add_messages(left: Any, right: Any) -> list[dict[str, Any]]:
    """Merge ``right`` into ``left``: new ids append, existing ids replace, removals delete.

    Messages without an id get a new UUID. ``left``'s message objects are kept as they are
    (not copied), which lets the checkpointer store only what was appended.
    """
    left_list = [_coerce(m) for m in _as_list(left)]
    right_list = []
    for m in _as_list(right):
        msg = _coerce(m)
        if msg.get("id") is None:
            msg = {**msg, "id": str(uuid.uuid4())}
        right_list.append(msg)
    for i, msg in enumerate(left_list):
        if msg.get("id") is None:
            left_list[i] = {**msg, "id": str(uuid.uuid4())}

    remove_all = -1
    for i, msg in enumerate(right_list):
        if msg.get("type") == "remove" and msg.get("id") == REMOVE_ALL_MESSAGES:
            remove_all = i
    if remove_all >= 0:
        return [m for m in right_list[remove_all + 1 :] if m.get("type") != "remove"]

    merged = list(left_list)
    index = {m["id"]: i for i, m in enumerate(merged)}
    removed: set[str] = set()
    for msg in right_list:
        mid = msg["id"]
        if msg.get("type") == "remove":
            if mid not in index:
                raise ValueError(
                    f"Attempting to delete a message with an id that doesn't exist ('{mid}')"
                )
            removed.add(mid)
            continue
        if mid in index:
            merged[index[mid]] = msg
            removed.discard(mid)
        else:
            index[mid] = len(merged)
            merged.append(msg)
    if removed:
        merged = [m for m in merged if m["id"] not in removed]
    return merged


add_messages.append_only = True  # type: ignore[attr-defined]


class MessagesState(TypedDict):
    """A state with one field, ``messages``, reduced by ``add_messages``."""

    messages: Annotated[list, add_messages]
