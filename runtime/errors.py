"""Errors the engine raises. Public ones keep LangGraph's names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class GraphValidationError(ValueError):
    """A graph's structure is wrong (raised by ``add_*`` and ``compile``)."""


class GraphRecursionError(RecursionError):
    """The graph ran more super-steps than ``recursion_limit`` allows."""


class InvalidUpdateError(ValueError):
    """A node or caller wrote something the state cannot take."""


class EmptyChannelError(Exception):
    """Reading a channel that has no value yet (internal)."""


class EmptyInputError(ValueError):
    """A graph was invoked with no input and nothing to resume."""


class SerializationError(TypeError):
    """A value written by a node cannot be stored by the checkpointer."""


class GraphInterrupt(Exception):  # noqa: N818 - LangGraph's name
    """Raised inside a node by ``interrupt()`` (and by nested graphs) to pause the run."""

    def __init__(self, interrupts: Sequence[Any] = ()) -> None:
        super().__init__(interrupts)
        self.interrupts = tuple(interrupts)


class ParentCommand(Exception):  # noqa: N818
    """A subgraph node returned ``Command(graph=Command.PARENT)``: handled by the parent."""

    def __init__(self, command: Any) -> None:
        super().__init__(command)
        self.command = command


class CheckpointNotFoundError(LookupError):
    """A config names a checkpoint that does not exist."""
