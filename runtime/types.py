"""Public value types: Send, Command, Interrupt, RetryPolicy, StateSnapshot and friends."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, NamedTuple, TypeVar

from runtime.checkpoint import serde
from runtime.runtime import Runtime  # noqa: F401 - LangGraph also publishes it here

StreamMode = Literal["values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"]
Durability = Literal["sync", "async", "exit"]
STREAM_MODES: frozenset[str] = frozenset(StreamMode.__args__)  # type: ignore[attr-defined]

N = TypeVar("N")


class Send:
    """Run ``node`` in the next step with ``arg`` as its input (map-reduce fan-out)."""

    __slots__ = ("node", "arg")

    def __init__(self, node: str, arg: Any) -> None:
        self.node = node
        self.arg = arg

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Send) and (self.node, self.arg) == (other.node, other.arg)

    def __hash__(self) -> int:
        return hash(self.node)

    def __repr__(self) -> str:
        return f"Send(node={self.node!r}, arg={self.arg!r})"

    def __sy_serialise__(self) -> dict[str, Any]:
        return {serde.TAG: "send", "node": self.node, "arg": self.arg}


serde.register("send", lambda d: Send(d["node"], d["arg"]))


@dataclass(frozen=True)
class Command(Generic[N]):
    """Update the state, go to nodes and/or resume an interrupt, in one return value."""

    graph: str | None = None
    update: Any = None
    resume: Any = None
    goto: Any = ()

    PARENT: ClassVar[str] = "__parent__"

    def __repr__(self) -> str:
        # only the fields that say something, as LangGraph prints it
        parts = [f"{k}={v!r}" for k, v in self.__dict__.items() if v]
        return f"Command({', '.join(parts)})"

    def update_items(self) -> list[tuple[str, Any]]:
        """The update as (key, value) pairs."""
        upd = self.update
        if upd is None:
            return []
        if isinstance(upd, dict):
            return list(upd.items())
        if isinstance(upd, list | tuple) and all(
            isinstance(x, tuple | list) and len(x) == 2 for x in upd
        ):
            return [(k, v) for k, v in upd]
        raise TypeError(f"Command.update must be a dict or a list of (key, value), got {upd!r}")

    def goto_list(self) -> list[Any]:
        """goto as a list of node names and Send packets."""
        if self.goto is None or self.goto == ():
            return []
        if isinstance(self.goto, str | Send):
            return [self.goto]
        return list(self.goto)


@dataclass(frozen=True, slots=True)
class Interrupt:
    """A pause requested by ``interrupt(value)``; ``id`` is what ``Command(resume={id: v})`` names."""

    value: Any
    id: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "id": self.id}

    def __sy_serialise__(self) -> dict[str, Any]:
        return {serde.TAG: "interrupt", "value": self.value, "id": self.id}


serde.register("interrupt", lambda d: Interrupt(d["value"], d["id"]))


@dataclass(frozen=True, slots=True)
class Overwrite:
    """Write ``value`` to a field as it is, bypassing the field's reducer."""

    value: Any

    def __sy_serialise__(self) -> dict[str, Any]:
        return {serde.TAG: "overwrite", "v": self.value}


serde.register("overwrite", lambda d: Overwrite(d["v"]))


_NO_RETRY = (
    ValueError,
    TypeError,
    ArithmeticError,
    ImportError,
    LookupError,
    NameError,
    SyntaxError,
    RuntimeError,
    ReferenceError,
    StopIteration,
    StopAsyncIteration,
    OSError,
)


def default_retry_on(exc: BaseException) -> bool:
    """LangGraph's default: retry unexpected errors and HTTP 5xx, not programming errors."""
    if isinstance(exc, ConnectionError):
        return True
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(status, int):
        return status >= 500
    return not isinstance(exc, _NO_RETRY)


class RetryPolicy(NamedTuple):
    """How a node's failures are retried (same fields and defaults as LangGraph)."""

    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 128.0
    max_attempts: int = 3
    jitter: bool = True
    retry_on: (
        type[BaseException] | Sequence[type[BaseException]] | Callable[[BaseException], bool]
    ) = default_retry_on

    def should_retry(self, exc: BaseException) -> bool:
        on = self.retry_on
        if isinstance(on, type) and issubclass(on, BaseException):
            return isinstance(exc, on)
        if isinstance(on, Sequence):
            return isinstance(exc, tuple(on))
        return bool(on(exc))  # type: ignore[call-arg,operator]

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        interval = min(
            self.max_interval, self.initial_interval * self.backoff_factor ** (attempt - 1)
        )
        if self.jitter:
            interval += random.uniform(0, 1)  # noqa: S311 - jitter, not security
        return interval


class PregelTask(NamedTuple):
    """A task of the next step, as ``get_state`` shows it."""

    id: str
    name: str
    path: tuple[Any, ...]
    error: Any = None
    interrupts: tuple[Interrupt, ...] = ()
    state: Any = None
    result: Any = None


class StateSnapshot(NamedTuple):
    """The state of a thread at one checkpoint."""

    values: dict[str, Any]
    next: tuple[str, ...]
    config: dict[str, Any]
    metadata: dict[str, Any] | None
    created_at: str | None
    parent_config: dict[str, Any] | None
    tasks: tuple[PregelTask, ...]
    interrupts: tuple[Interrupt, ...] = ()


StreamWriter = Callable[[Any], None]
