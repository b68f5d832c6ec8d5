"""MessagesChannel: the channel of an ``add_messages`` field, with an append fast path.

``add_messages`` has to look at every existing message (ids to replace or remove), which
makes a long conversation cost quadratic time. Most writes only add messages with new ids:
this channel keeps the set of ids it holds and appends those writes directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, RemoveMessage

from runtime.channels.base import MISSING
from runtime.channels.binop import BinaryOperatorAggregate, _overwrite_value
from runtime.messages import add_messages, as_message_list, coerce_messages


class MessagesChannel(BinaryOperatorAggregate):
    """``Annotated[list, add_messages]``."""

    __slots__ = ("ids",)

    def __init__(self, key: str, default: Any = list) -> None:
        super().__init__(key, add_messages, default)
        self.ids: set[str] | None = None  # built on first use

    def new(self) -> MessagesChannel:
        return MessagesChannel(self.key, self.default)

    def copy(self) -> MessagesChannel:
        ch = self.new()
        ch.value = self.value
        ch.ids = None if self.ids is None else set(self.ids)
        return ch

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        overwrites = [v for v in values if _overwrite_value(v) is not MISSING]
        if overwrites:
            # as LangGraph: the Overwrite replaces the writes before it, the writes after it
            # are dropped, and two Overwrites in one step raise
            super().update(overwrites)
            self.ids = None
            return True
        for value in values:
            if self.value is MISSING:
                self.value = add_messages([], value)
                self.ids = None
                continue
            new = self._plain_append(value)
            if new is None:
                self.value = add_messages(self.value, value)
                self.ids = None
                self.mark = None
            else:
                self.value = [*self.value, *new]
        return True

    def _plain_append(self, write: Any) -> list[BaseMessage] | None:
        """The coerced messages when ``write`` only adds new ids, else None."""
        if self.ids is None:
            current = self.value
            if any(not isinstance(m, BaseMessage) or m.id is None for m in current):
                return None
            self.ids = {m.id for m in current}  # type: ignore[misc]
        out = coerce_messages(as_message_list(write))
        fresh: set[str] = set()
        for msg in out:
            mid = msg.id
            if isinstance(msg, RemoveMessage) or mid in self.ids or mid in fresh:
                return None
            if mid is None:
                mid = msg.id = str(uuid.uuid4())
            fresh.add(mid)
        self.ids |= fresh
        return out
