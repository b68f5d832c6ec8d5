"""NamedBarrierValue: the join of ``add_edge([a, b], c)``; c runs once a and b both ran."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runtime.channels.base import MISSING, BaseChannel
from runtime.errors import InvalidUpdateError


class NamedBarrierValue(BaseChannel):
    """Value: the sorted list of writers seen so far; available when all have written."""

    __slots__ = ("names",)

    def __init__(self, key: str, names: frozenset[str]) -> None:
        super().__init__(key)
        self.names = names

    def new(self) -> NamedBarrierValue:
        return NamedBarrierValue(self.key, self.names)

    def update(self, values: Sequence[Any]) -> bool:
        seen = set(self.value) if self.value is not MISSING else set()
        before = len(seen)
        for name in values:
            if name not in self.names:
                raise InvalidUpdateError(
                    f"At key {self.key!r}: {name!r} is not one of {sorted(self.names)}"
                )
            seen.add(name)
        if len(seen) == before:
            return False
        self.value = sorted(seen)
        return True

    def get(self) -> Any:
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING and len(self.value) == len(self.names)

    def consume(self) -> bool:
        if self.is_available():
            self.value = MISSING
            return True
        return False
