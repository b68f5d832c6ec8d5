"""LangGraph's ``langgraph.graph.message`` module: messages in a graph's state."""

from __future__ import annotations

import warnings
from typing import Annotated, Any

from langchain_core.messages import AnyMessage, BaseMessage, convert_to_messages

from runtime.graph.state import StateGraph
from runtime.messages import REMOVE_ALL_MESSAGES, MessagesState, add_messages

__all__ = (
    "REMOVE_ALL_MESSAGES",
    "MessageGraph",
    "MessagesState",
    "add_messages",
    "push_message",
)


class MessageGraph(StateGraph):
    """A graph whose whole state is one list of messages (deprecated in LangGraph 1.0)."""

    def __init__(self) -> None:
        warnings.warn(
            "MessageGraph is deprecated: use StateGraph with a `messages` key instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(Annotated[list[AnyMessage], add_messages])  # type: ignore[arg-type]


def push_message(message: Any, *, state_key: str | None = "messages") -> BaseMessage:
    """Send ``message`` to the ``messages`` stream now, and write it to ``state_key`` (unless None).

    Only inside a running node; the message must have an id.
    """
    from runtime.pregel.context import CURRENT

    ctx = CURRENT.get()
    if ctx is None:
        raise RuntimeError("push_message() can only be called inside a node of a running graph")
    msg = convert_to_messages([message])[0]
    if msg.id is None:
        raise ValueError("Message ID is required")
    ctx.push_message(msg)
    if state_key:
        ctx.sent.append((state_key, msg))
    return msg
