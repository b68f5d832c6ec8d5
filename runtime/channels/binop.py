"""BinaryOperatorAggregate: a state field with a reducer, ``Annotated[T, reducer]``."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

from runtime.channels.base import MISSING, BaseChannel
from runtime.errors import InvalidUpdateError
from runtime.types import Overwrite

OVERWRITE_KEY = "__overwrite__"


def _overwrite_value(value: Any) -> Any:
    """The value of an Overwrite (object or ``{"__overwrite__": v}``), else MISSING."""
    if isinstance(value, Overwrite):
        return value.value
    if type(value) is dict and len(value) == 1 and OVERWRITE_KEY in value:
        return value[OVERWRITE_KEY]
    return MISSING


class BinaryOperatorAggregate(BaseChannel):
    """Folds each write into the value with ``reducer(current, write)``."""

    __slots__ = ("reducer", "default", "mark")

    def __init__(
        self, key: str, reducer: Callable[[Any, Any], Any], default: Any = MISSING
    ) -> None:
        super().__init__(key)
        self.reducer = reducer
        # ``default`` is a factory (the field's type, e.g. list) or MISSING.
        self.default = default
        # (list, length) when the value only grew by appending since that list was stored:
        # the checkpointer then stores just the new items. None when unknown.
        self.mark: tuple[list[Any], int] | None = None
        if default is not MISSING:
            try:
                self.value = default()
            except TypeError:
                self.value = MISSING

    @property
    def append_only(self) -> bool:  # type: ignore[override]
        return self.reducer is operator.add or getattr(self.reducer, "append_only", False)

    def new(self) -> BinaryOperatorAggregate:
        return BinaryOperatorAggregate(self.key, self.reducer, self.default)

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        seen_overwrite = False
        appends = self.reducer is operator.add
        for value in values:
            over = _overwrite_value(value)
            if over is not MISSING:
                if seen_overwrite:
                    raise InvalidUpdateError(
                        "Can receive only one Overwrite value per super-step "
                        f"(key {self.key!r} got two)."
                    )
                seen_overwrite = True
                self.value = over
                self.mark = None
            elif seen_overwrite:
                continue  # as LangGraph: the step's later writes lose to its Overwrite
            elif self.value is MISSING:
                self.value = value
                self.mark = None
            else:
                if not (appends and type(self.value) is list and type(value) is list):
                    self.mark = None
                self.value = self.reducer(self.value, value)
        return True
