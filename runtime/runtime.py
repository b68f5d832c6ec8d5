"""What a node can know about its run: ``Runtime``, ``get_runtime()`` and their parts.

LangGraph's ``langgraph.runtime`` at the same path: a node declared ``(state, runtime:
Runtime[Ctx])`` receives one, and ``get_runtime()`` returns the running node's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

__all__ = (
    "DEFAULT_RUNTIME",
    "ExecutionInfo",
    "RunControl",
    "Runtime",
    "ServerInfo",
    "coerce_context",
    "get_runtime",
)

ContextT = TypeVar("ContextT")


@dataclass(frozen=True, slots=True)
class ExecutionInfo:
    """Read-only facts about the running node: its checkpoint, task, thread and attempt."""

    checkpoint_id: str
    checkpoint_ns: str
    task_id: str
    thread_id: str | None = None  # None when the graph runs without a checkpointer
    run_id: str | None = None  # the config's ``run_id``, when given
    node_attempt: int = 1  # 1 on the first try, 2 on the first retry, ...
    node_first_attempt_time: float | None = None  # Unix time the first attempt started

    def patch(self, **overrides: Any) -> ExecutionInfo:
        """A copy with the given fields replaced."""
        return replace(self, **overrides)


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """Which assistant and graph a server run belongs to, and who started it."""

    assistant_id: str
    graph_id: str
    user: Any = None


def _no_op_stream_writer(_chunk: Any) -> None:
    return None


def _no_op_heartbeat() -> None:
    return None


class RunControl:
    """Asks a running graph to stop cooperatively (say on SIGTERM), from any thread.

    One per run. After ``request_drain()`` the run finishes the step that is running,
    saves its checkpoint and raises GraphDrained instead of starting the next step; a
    run whose last step is running finishes normally.
    """

    __slots__ = ("_drain_reason",)

    def __init__(self) -> None:
        self._drain_reason: str | None = None

    def request_drain(self, reason: str = "shutdown") -> None:
        # one attribute store: atomic, so safe from another thread without a lock
        self._drain_reason = reason

    @property
    def drain_requested(self) -> bool:
        return self._drain_reason is not None

    @property
    def drain_reason(self) -> str | None:
        return self._drain_reason


@dataclass(slots=True)
class Runtime(Generic[ContextT]):
    """Run-scoped things a node may use: context, store, custom stream writer, attempt info."""

    context: ContextT = field(default=None)  # type: ignore[assignment]
    store: Any = None
    stream_writer: Callable[[Any], None] = field(default=_no_op_stream_writer)
    # marks progress for an idle timeout (TimeoutPolicy.idle_timeout); a no-op otherwise
    heartbeat: Callable[[], None] = field(default=_no_op_heartbeat)
    previous: Any = None
    execution_info: ExecutionInfo | None = None
    server_info: ServerInfo | None = None
    control: Any = None

    def merge(self, other: Runtime[ContextT]) -> Runtime[ContextT]:
        """``other``'s values where it has them (truthy or set), else this runtime's."""
        return Runtime(
            context=other.context or self.context,
            store=other.store or self.store,
            stream_writer=other.stream_writer
            if other.stream_writer is not _no_op_stream_writer
            else self.stream_writer,
            heartbeat=other.heartbeat
            if other.heartbeat is not _no_op_heartbeat
            else self.heartbeat,
            previous=self.previous if other.previous is None else other.previous,
            execution_info=other.execution_info or self.execution_info,
            server_info=other.server_info or self.server_info,
            control=other.control or self.control,
        )

    @property
    def drain_requested(self) -> bool:
        """Whether the run was asked to drain (False without a RunControl)."""
        return self.control is not None and self.control.drain_requested

    @property
    def drain_reason(self) -> str | None:
        return None if self.control is None else self.control.drain_reason

    def override(self, **overrides: Any) -> Runtime[ContextT]:
        """A copy with the given fields replaced."""
        return replace(self, **overrides)

    def patch_execution_info(self, **overrides: Any) -> Runtime[ContextT]:
        """A copy whose execution_info has the given fields replaced."""
        if self.execution_info is None:
            raise RuntimeError("Cannot patch execution_info before it has been set")
        return replace(self, execution_info=self.execution_info.patch(**overrides))


DEFAULT_RUNTIME: Runtime[Any] = Runtime()


def get_runtime(context_schema: Any = None) -> Runtime[Any]:
    """The runtime of the running node (``context_schema`` is only a typing hint)."""
    from runtime.pregel.context import CURRENT

    ctx = CURRENT.get()
    if ctx is None:
        raise RuntimeError("get_runtime() can only be called inside a node of a running graph")
    return ctx.runtime()


def coerce_context(context_schema: Any, context: Any) -> Any:
    """A dict context becomes an instance of a dataclass or pydantic ``context_schema``.

    As LangGraph does: ``Schema(**context)``, so a missing or unknown field raises
    TypeError (dataclass) or pydantic's ValidationError; other values pass unchanged.
    """
    if context is None or context_schema is None or not isinstance(context, dict):
        return context
    if dataclasses.is_dataclass(context_schema) or hasattr(context_schema, "model_validate"):
        return context_schema(**context)
    return context
