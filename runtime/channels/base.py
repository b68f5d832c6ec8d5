"""The channel interface: one named slot of a graph's state or control flow.

A channel receives the writes of a super-step all at once (``update``), so it can apply
its own rule: keep the last value, reduce with a function, collect, or wait for a set of
writers. The engine never mutates a channel that a checkpoint still refers to: it copies
channels when it needs a scratch version (conditional edges reading their own writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runtime.errors import EmptyChannelError


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class BaseChannel:
    """Abstract channel. Subclasses hold their value in ``self.value`` (MISSING = empty)."""

    __slots__ = ("key", "value")

    #: True when the value only ever grows by appending (stored as deltas).
    append_only = False

    def __init__(self, key: str = "") -> None:
        self.key = key
        self.value: Any = MISSING

    def new(self) -> BaseChannel:
        """An empty channel of the same kind and configuration."""
        raise NotImplementedError

    def copy(self) -> BaseChannel:
        """A channel with the same value (the value itself is shared, not copied)."""
        ch = self.new()
        ch.value = self.value
        return ch

    def from_checkpoint(self, value: Any) -> BaseChannel:
        """A channel holding a value read from a checkpoint (MISSING for none)."""
        ch = self.new()
        ch.value = value
        return ch

    def checkpoint(self) -> Any:
        """The value to store, or MISSING when the channel is empty."""
        return self.value

    def get(self) -> Any:
        """The current value. Raises EmptyChannelError when there is none."""
        if self.value is MISSING:
            raise EmptyChannelError(self.key)
        return self.value

    def is_available(self) -> bool:
        """Whether ``get`` would return a value."""
        return self.value is not MISSING

    def update(self, values: Sequence[Any]) -> bool:
        """Apply one step's writes, in order. Returns whether the value changed.

        Raises InvalidUpdateError when the writes break the channel's rule.
        """
        raise NotImplementedError

    def consume(self) -> bool:
        """Called when a task triggered by this channel runs. Returns whether it changed."""
        return False


class ClearedOnConsume(BaseChannel):
    """A channel whose value is taken by the task it triggers (triggers, input, Sends)."""

    __slots__ = ()

    def consume(self) -> bool:
        if self.value is MISSING:
            return False
        self.value = MISSING
        return True
