"""Topic: collects the Send packets of a step for the next step to run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runtime.channels.base import MISSING, ClearedOnConsume


class Topic(ClearedOnConsume):
    """A list of values written in one step; cleared once the next step took them."""

    __slots__ = ()

    def new(self) -> Topic:
        return Topic(self.key)

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        if self.value is MISSING:
            self.value = list(values)
        else:
            self.value = [*self.value, *values]
        return True
