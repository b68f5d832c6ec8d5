"""Nodes as the engine runs them: a node's function and policies, a conditional edge.

``StateGraph`` (runtime.graph.state) fills these in as a graph is built; the engine reads
them. They live on the engine's side so that it never imports the graph builder.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from runtime.types import CachePolicy, RetryPolicy, TimeoutPolicy


@dataclass(slots=True)
class Branch:
    """A conditional edge: ``path(state)`` names where to go, ``ends`` maps its answers."""

    path: Callable[..., Any]
    ends: dict[Hashable, str] | None
    wants_config: bool = False
    is_async: bool = False
    # the class ``path``'s state parameter is annotated with: it reads only those keys
    input_schema: Any = None


@dataclass(slots=True)
class NodeSpec:
    """A node as added to the builder, with what its signature asks for."""

    name: str
    fn: Any
    retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    destinations: tuple[str, ...] | dict[str, str] | None = None
    input_schema: Any = None
    defer: bool = False
    cache_policy: CachePolicy | None = None
    timeout: TimeoutPolicy | None = None
    # the node that runs when this one fails (``error_handler=``), and whether this is one
    error_handler_node: str | None = None
    is_error_handler: bool = False
    # signature analysis, filled by ``_inspect_callable``
    is_async: bool = False
    is_graph: bool = False
    kwargs: tuple[str, ...] = ()  # which of config/runtime/store/writer to pass by name
    positional: tuple[str, ...] = ()  # the same, passed positionally after the state

    @property
    def runnable(self) -> NodeRunnable:
        """The node's function as LangGraph's ``builder.nodes[name].runnable.func`` reaches it."""
        return NodeRunnable(self.name, self.fn)

    def copy(self, update: dict[str, Any] | None = None) -> NodeSpec:
        """A copy with the fields in ``update`` replaced (LangGraph's PregelNode.copy)."""
        return dataclasses.replace(self, **(update or {}))


class NodeRunnable(NamedTuple):
    """A node's name and function (LangGraph code reads ``spec.runnable.func``)."""

    name: str
    func: Any
