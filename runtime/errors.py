"""Errors the engine raises. Public ones keep LangGraph's names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal


class GraphValidationError(ValueError):
    """A graph's structure is wrong (raised by ``add_*`` and ``compile``)."""


class GraphRecursionError(RecursionError):
    """The graph ran more super-steps than ``recursion_limit`` allows."""


class InvalidUpdateError(ValueError):
    """A node or caller wrote something the state cannot take."""


class AmbiguousResumeError(InvalidUpdateError, RuntimeError):
    """``Command(resume=value)`` while several interrupts are pending: say which (by id).

    A RuntimeError as in LangGraph, and an InvalidUpdateError (bad input) for hosts."""


class EmptyChannelError(Exception):
    """Reading a channel that has no value yet (internal)."""


class EmptyInputError(ValueError):
    """A graph was invoked with no input and nothing to resume."""


class SerializationError(TypeError):
    """A value written by a node cannot be stored by the checkpointer."""


class GraphBubbleUp(Exception):
    """A signal that passes up through nested graphs to the root (not a node failure)."""


class GraphDrained(GraphBubbleUp):
    """The run stopped at a step boundary because its RunControl asked it to drain.

    The last checkpoint is saved: invoking the thread again with ``None`` continues it.
    """

    def __init__(self, reason: str = "shutdown") -> None:
        self.reason = reason
        super().__init__(f"Graph drained: {reason}")


class GraphInterrupt(GraphBubbleUp):
    """Raised inside a node by ``interrupt()`` (and by nested graphs) to pause the run."""

    def __init__(self, interrupts: Sequence[Any] = ()) -> None:
        super().__init__(interrupts)
        self.interrupts = tuple(interrupts)


class ParentCommand(GraphBubbleUp):
    """A subgraph node returned ``Command(graph=Command.PARENT)``: handled by the parent."""

    def __init__(self, command: Any) -> None:
        super().__init__(command)
        self.command = command


class CheckpointNotFoundError(LookupError):
    """A config names a checkpoint that does not exist."""


@dataclass(frozen=True, slots=True)
class NodeError:
    """What an error handler (``add_node(..., error_handler=h)``) is told: which node failed, how.

    A handler receives it by declaring a parameter ``error: NodeError``.
    """

    node: str
    error: BaseException


class NodeTimeoutError(Exception):
    """A node attempt ran past its ``TimeoutPolicy`` (``kind`` says which limit fired).

    Not a ``TimeoutError`` (an OSError), so the default retry policy retries it.
    """

    def __init__(
        self,
        node: str,
        elapsed: float,
        *,
        kind: Literal["idle", "run"],
        idle_timeout: float | None = None,
        run_timeout: float | None = None,
    ) -> None:
        if kind == "idle" and idle_timeout is not None:
            message = (
                f"Node '{node}' exceeded its idle timeout of {idle_timeout:.3f}s without "
                f"making progress (elapsed: {elapsed:.3f}s)."
            )
            self.timeout = idle_timeout
        elif kind == "run" and run_timeout is not None:
            message = (
                f"Node '{node}' exceeded its run timeout of {run_timeout:.3f}s "
                f"(elapsed: {elapsed:.3f}s)."
            )
            self.timeout = run_timeout
        else:
            raise ValueError(f"kind={kind!r} needs its {kind}_timeout")
        super().__init__(message)
        self.node = node
        self.elapsed = elapsed
        self.kind = kind
        self.idle_timeout = idle_timeout
        self.run_timeout = run_timeout


class NodeCancelledError(Exception):
    """A node's own code raised ``asyncio.CancelledError`` (not a cancellation of the run):
    a failure of that node like any other, so the run fails instead of passing it by."""

    def __init__(self, node: str, message: str | None = None) -> None:
        super().__init__(message or f"Node {node!r} raised asyncio.CancelledError")
        self.node = node
