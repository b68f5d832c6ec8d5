"""What a running node can reach: ``interrupt``, stream writers, ``once``, its config.

Each task runs with ``CURRENT`` set to its TaskContext (a context variable, so it follows
the node into threads and nested graphs).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runtime.errors import GraphInterrupt, NodeError
from runtime.pregel.ids import interrupt_id
from runtime.runtime import ExecutionInfo, Runtime, ServerInfo
from runtime.types import Interrupt

if TYPE_CHECKING:
    from runtime.pregel.algo import Task
    from runtime.pregel.loop import Loop

ONCE = "__once__"


@dataclass(slots=True)
class TaskContext:
    """The running task, the loop that runs it, and what a resume handed to it."""

    task: Task
    loop: Loop
    config: dict[str, Any]
    resume: dict[str, Any] = field(default_factory=dict)
    once: dict[str, Any] = field(default_factory=dict)
    counter: int = 0
    subgraph_calls: int = 0
    attempt: int = 1
    first_attempt_time: float | None = None
    runtime_cache: Runtime[Any] | None = None
    node_error: NodeError | None = None  # set for an error handler's task
    # idle timeouts: when the node last showed progress, and whether stream writes count
    progress_at: float = 0.0
    progress_on_emit: bool = False
    sent: list[tuple[str, Any]] = field(default_factory=list)  # writes made while running

    def emit(self, mode: str, payload: Any) -> None:
        if self.progress_on_emit:
            self.progress_at = time.monotonic()
        self.loop.emit(mode, payload)

    def write_custom(self, chunk: Any) -> None:
        self.emit("custom", chunk)

    def heartbeat(self) -> None:
        """Progress for the node's idle timeout (a cheap no-op when it has none)."""
        self.progress_at = time.monotonic()

    def runtime(self) -> Runtime[Any]:
        """The node's Runtime, built on first use (most nodes never ask for one)."""
        rt = self.runtime_cache
        if (
            rt is None
            or rt.execution_info is None
            or rt.execution_info.node_attempt != self.attempt
        ):
            rt = self.runtime_cache = self._new_runtime()
        return rt

    def _new_runtime(self) -> Runtime[Any]:
        loop = self.loop
        conf = self.config.get("configurable") or {}
        info = ExecutionInfo(
            checkpoint_id=loop.checkpoint_id or "",
            checkpoint_ns=self.task.ns,
            task_id=self.task.id,
            thread_id=None if loop.thread_id is None else str(loop.thread_id),
            run_id=_str_or_none(self.config.get("run_id")),
            node_attempt=self.attempt,
            node_first_attempt_time=self.first_attempt_time,
        )
        server = None
        if conf.get("assistant_id") is not None and conf.get("graph_id") is not None:
            server = ServerInfo(
                assistant_id=str(conf["assistant_id"]),
                graph_id=str(conf["graph_id"]),
                user=conf.get("langgraph_auth_user"),
            )
        return Runtime(
            context=loop.context,
            store=loop.store,
            stream_writer=self.write_custom,
            heartbeat=self.heartbeat,
            execution_info=info,
            server_info=server,
            control=loop.control,
        )

    def push_message(self, message: Any) -> None:
        """Send a message to the ``messages`` stream now (deduplicated by nothing)."""
        stream = self.loop.sink.messages
        if stream is not None:
            stream.written(self, message)


CURRENT: contextvars.ContextVar[TaskContext | None] = contextvars.ContextVar(
    "switchyard_task", default=None
)


def interrupt(value: Any) -> Any:
    """Pause the graph and show ``value`` to a human; returns the value they resume with.

    The node runs again from its start on resume: the first ``interrupt()`` call returns
    the first resume value, the second call the second, and so on. Wrap side effects that
    come before an ``interrupt()`` in ``once`` so they do not run twice.
    """
    ctx = CURRENT.get()
    if ctx is None:
        raise RuntimeError("interrupt() can only be called inside a node of a running graph")
    index = ctx.counter
    ctx.counter += 1
    iid = interrupt_id(ctx.task.ns, index)
    if iid in ctx.resume:
        return ctx.resume[iid]
    unclaimed = ctx.loop.unclaimed_resume
    if unclaimed:
        # the answer to an interrupt of this graph whose task is gone (see
        # Loop._adopt_resume): the next interrupt takes it, once
        ctx.resume[iid] = unclaimed.pop(0)
        return ctx.resume[iid]
    raise GraphInterrupt((Interrupt(value=value, id=iid),))


def once(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` once per task, even if the node re-runs on resume.

    LangGraph re-runs a node from its start when an ``interrupt()`` in it is resumed, so a
    side effect before the interrupt (an email, a payment) happens again. ``once`` saves
    the result with the task's writes the first time and returns the saved result when the
    node re-runs for the same task. ``name`` must be unique within the node; the result
    must be serialisable.
    """
    ctx = CURRENT.get()
    if ctx is None:
        return fn(*args, **kwargs)
    if name in ctx.once:
        return ctx.once[name]
    result = fn(*args, **kwargs)
    ctx.once[name] = result
    ctx.loop.save_once(ctx.task, name, result)
    return result


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _noop(_chunk: Any) -> None:
    return None


def get_stream_writer() -> Callable[[Any], None]:
    """A function that sends a chunk to the ``custom`` stream mode (no-op outside a node)."""
    ctx = CURRENT.get()
    if ctx is None:
        return _noop

    def write(chunk: Any) -> None:
        ctx.emit("custom", chunk)

    return write


def get_message_writer() -> Callable[[Any], None]:
    """A function that sends an LLM message chunk to the ``messages`` stream mode.

    Chunks are ``AIMessageChunk`` objects (or dicts of their fields); each is emitted as
    ``(chunk, metadata)`` with the node, step and namespace, as a chat model's tokens are.
    """
    ctx = CURRENT.get()
    if ctx is None or ctx.loop.sink.messages is None:
        return _noop

    def write(chunk: Any) -> None:
        if isinstance(chunk, dict):
            from langchain_core.messages import AIMessageChunk

            chunk = AIMessageChunk(**{k: v for k, v in chunk.items() if k != "type"})
        ctx.push_message(chunk)

    return write


def get_config() -> dict[str, Any]:
    """The config of the running node."""
    ctx = CURRENT.get()
    if ctx is None:
        raise RuntimeError("get_config() can only be called inside a node of a running graph")
    return ctx.config


def get_store() -> Any:
    """The store of the running graph (None when it has none)."""
    ctx = CURRENT.get()
    return None if ctx is None else ctx.loop.store
