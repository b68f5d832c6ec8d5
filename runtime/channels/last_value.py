"""LastValue: a state field without a reducer keeps the last value written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runtime.channels.base import BaseChannel, ClearedOnConsume
from runtime.errors import InvalidUpdateError
from runtime.types import Overwrite


class LastValue(BaseChannel):
    """Takes at most one write per step; two writes in one step are an error."""

    __slots__ = ()

    def new(self) -> LastValue:
        return LastValue(self.key)

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        if len(values) > 1:
            raise InvalidUpdateError(
                f"At key {self.key!r}: can receive only one value per step. "
                "Use an Annotated key with a reducer to handle multiple values."
            )
        value = values[0]
        if isinstance(value, Overwrite):
            value = value.value
        self.value = value
        return True


class Trigger(ClearedOnConsume):
    """Set when an edge points at a node; cleared when the node runs."""

    __slots__ = ()

    def new(self) -> Trigger:
        return Trigger(self.key)

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        self.value = True
        return True


class Input(ClearedOnConsume):
    """The ``__start__`` channel: holds the input until the start task takes it."""

    __slots__ = ()

    def new(self) -> Input:
        return Input(self.key)

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        self.value = values[-1]
        return True
