"""Public value types: Send, Command, Interrupt, RetryPolicy, StateSnapshot and friends."""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Generic, Literal, NamedTuple, TypeVar

from runtime.checkpoint import serde
from runtime.runtime import Runtime  # noqa: F401 - LangGraph also publishes it here

StreamMode = Literal["values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"]
Durability = Literal["sync", "async", "exit"]
STREAM_MODES: frozenset[str] = frozenset(StreamMode.__args__)  # type: ignore[attr-defined]

N = TypeVar("N")


class Send:
    """Run ``node`` in the next step with ``arg`` as its input (map-reduce fan-out).

    ``timeout`` replaces the node's own TimeoutPolicy for this one task.
    """

    __slots__ = ("node", "arg", "timeout")

    def __init__(self, node: str, arg: Any, *, timeout: Any = None) -> None:
        self.node = node
        self.arg = arg
        self.timeout = TimeoutPolicy.coerce(timeout)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Send) and (self.node, self.arg, self.timeout) == (
            other.node,
            other.arg,
            other.timeout,
        )

    def __hash__(self) -> int:
        return hash(self.node)

    def __repr__(self) -> str:
        timeout = "" if self.timeout is None else f", timeout={self.timeout!r}"
        return f"Send(node={self.node!r}, arg={self.arg!r}{timeout})"

    def __sy_serialise__(self) -> dict[str, Any]:
        out = {serde.TAG: "send", "node": self.node, "arg": self.arg}
        if self.timeout is not None:
            t = self.timeout
            out["timeout"] = [t.run_timeout, t.idle_timeout, t.refresh_on]
        return out


def _send_from(d: dict[str, Any]) -> Send:
    t = d.get("timeout")
    timeout = None if t is None else TimeoutPolicy(t[0], t[1], t[2])
    return Send(d["node"], d["arg"], timeout=timeout)


serde.register("send", _send_from)


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
        """The update as (key, value) pairs (a state object gives its fields, as LangGraph)."""
        upd = self.update
        if upd is None:
            return []
        if isinstance(upd, dict):
            return list(upd.items())
        if isinstance(upd, list | tuple) and all(
            isinstance(x, tuple | list) and len(x) == 2 for x in upd
        ):
            return [(k, v) for k, v in upd]
        items = object_updates(upd)
        if items is None:
            raise TypeError(
                "Command.update must be a dict, a list of (key, value) or a state object, "
                f"got {upd!r}"
            )
        return items

    def goto_list(self) -> list[Any]:
        """goto as a list of node names and Send packets."""
        if self.goto is None or self.goto == ():
            return []
        if isinstance(self.goto, str | Send):
            return [self.goto]
        return list(self.goto)


def _annotated_keys(cls: type) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for base in reversed(cls.__mro__):
        ann = base.__dict__.get("__annotations__")
        if isinstance(ann, dict):
            keys.update(dict.fromkeys(ann))
    return tuple(keys)


def object_updates(obj: Any, keys: Sequence[str] | None = None) -> list[tuple[str, Any]] | None:
    """The (key, value) updates an object carries (a dataclass, pydantic model or annotated
    class) for ``keys`` (default: its own fields), or None when its class declares none.

    As LangGraph: a field whose value is None counts only when its default is not None or
    (pydantic) it was set explicitly, so a partial update model leaves other keys alone.
    """
    own = _annotated_keys(type(obj))
    if not own:
        return None
    keys = own if keys is None else keys
    model_fields = getattr(type(obj), "model_fields", None)
    explicit: set[str] = set()
    defaults: dict[str, Any] = {}
    if isinstance(model_fields, dict):
        explicit = set(getattr(obj, "model_fields_set", ()))
        defaults = {k: f.default for k, f in model_fields.items()}
    out = []
    for k in keys:
        value = getattr(obj, k, _ABSENT)
        if value is _ABSENT:
            continue
        if value is None and defaults.get(k, _ABSENT) is None and k not in explicit:
            continue
        out.append((k, value))
    return out


_ABSENT = object()


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
            interval += random.uniform(0, 1)
        return interval


def _positive_seconds(value: float | timedelta | None, name: str) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return seconds


@dataclass(frozen=True, slots=True)
class TimeoutPolicy:
    """Time limits for one attempt of an async node (same fields as LangGraph's).

    ``run_timeout``: a hard cap in seconds. ``idle_timeout``: the longest the node may go
    without progress; progress is a stream write or ``runtime.heartbeat()`` (``refresh_on=
    "auto"``) or only the heartbeat (``"heartbeat"``). A timed-out attempt raises
    NodeTimeoutError, which the node's RetryPolicy may retry.
    """

    run_timeout: float | timedelta | None = None
    idle_timeout: float | timedelta | None = None
    refresh_on: Literal["auto", "heartbeat"] = "auto"

    def limits(self) -> tuple[float | None, float | None]:
        """(run_timeout, idle_timeout) in seconds."""
        return (
            _positive_seconds(self.run_timeout, "run_timeout"),
            _positive_seconds(self.idle_timeout, "idle_timeout"),
        )

    @classmethod
    def coerce(cls, value: float | timedelta | TimeoutPolicy | None) -> TimeoutPolicy | None:
        """A policy with positive float seconds from a policy, seconds or a timedelta."""
        if value is None:
            return None
        if not isinstance(value, TimeoutPolicy):
            value = cls(run_timeout=value)
        if value.refresh_on not in ("auto", "heartbeat"):
            raise ValueError(f"refresh_on must be 'auto' or 'heartbeat', got {value.refresh_on!r}")
        run = _positive_seconds(value.run_timeout, "run_timeout")
        idle = _positive_seconds(value.idle_timeout, "idle_timeout")
        if run is None and idle is None:
            return None
        if run is value.run_timeout and idle is value.idle_timeout:
            return value
        return cls(run_timeout=run, idle_timeout=idle, refresh_on=value.refresh_on)


def default_cache_key(*args: Any, **kwargs: Any) -> str | bytes:
    """The cache key of a node input: its pickle (dicts and sets sorted, so order is irrelevant)."""
    return pickle.dumps((_freeze(args), _freeze(kwargs)), protocol=5, fix_imports=False)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return value


@dataclass(frozen=True, slots=True)
class CachePolicy(Generic[N]):
    """Reuse a node's writes for the same input (``compile(cache=...)`` holds them).

    ``key_func`` turns the node's input into the key; ``ttl`` is seconds, None for ever.
    """

    key_func: Callable[..., str | bytes] = default_cache_key
    ttl: int | None = None


class PregelTask(NamedTuple):
    """A task of the next step, as ``get_state`` shows it."""

    id: str
    name: str
    path: tuple[Any, ...]
    error: Any = None
    interrupts: tuple[Interrupt, ...] = ()
    state: Any = None
    result: Any = None


class StateUpdate(NamedTuple):
    """One update of ``bulk_update_state``: ``values`` written as node ``as_node``."""

    values: Any
    as_node: str | None = None
    task_id: str | None = None


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
