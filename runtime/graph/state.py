"""StateGraph: the builder that code (and compiled GraphSpecs) use to describe a graph."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, get_args, get_origin, get_type_hints

from runtime.cache.base import is_cache
from runtime.checkpoint.base import BaseCheckpointer
from runtime.constants import END, RESERVED, START
from runtime.errors import GraphValidationError, NodeError
from runtime.graph.plan import build_plan, other_schemas
from runtime.graph.schema import StateSchema
from runtime.pregel.graph import CompiledStateGraph
from runtime.pregel.nodes import Branch, NodeSpec
from runtime.types import CachePolicy, Command, RetryPolicy, Runtime, TimeoutPolicy

_INJECTABLE = ("config", "runtime", "store", "writer")
DEFAULT_ERROR_HANDLER = "__default_error_handler__"
ERROR_HANDLER_PREFIX = "__error_handler__"


@dataclass(slots=True)
class NodeDefaults:
    """Policies ``set_node_defaults`` gives every node that does not set its own."""

    retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None
    cache_policy: CachePolicy | None = None
    error_handler: Callable[..., Any] | None = None
    timeout: TimeoutPolicy | None = None


def _annotation_kind(annotation: Any) -> str | None:
    if annotation is inspect.Parameter.empty:
        return None
    if annotation is Runtime or get_origin(annotation) is Runtime:
        return "runtime"
    if annotation is NodeError or annotation == "NodeError":
        return "error"
    name = getattr(annotation, "__name__", None) or str(annotation)
    if "RunnableConfig" in str(name):
        return "config"
    if "Store" in str(name):
        return "store"
    if "StreamWriter" in str(name):
        return "writer"
    return None


def _runnable_node(runnable: Any) -> Callable[..., Any]:
    async def node(state: Any, config: Any) -> Any:
        return await runnable.ainvoke(state, config)

    node.__name__ = getattr(runnable, "name", None) or type(runnable).__name__
    return node


def inspect_callable(fn: Callable[..., Any]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """(is_async, keyword injections, positional injections) for a node or path function."""
    target = fn
    call = getattr(fn, "__call__", None)  # noqa: B004 - callable objects
    if not inspect.isfunction(fn) and not inspect.ismethod(fn) and call is not None:
        target = call
    is_async = inspect.iscoroutinefunction(target)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return is_async, (), ()
    params = list(sig.parameters.values())
    positional: list[str] = []
    kwargs: list[str] = []
    for i, p in enumerate(params):
        if i == 0 and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            continue  # the state
        kind = _annotation_kind(p.annotation) or (p.name if p.name in _INJECTABLE else None)
        if kind is None:
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                # LangGraph passes config as the second positional argument
                if i == 1:
                    positional.append("config")
            continue
        if p.kind == p.KEYWORD_ONLY:
            kwargs.append(kind)
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            if i == 1:
                positional.append(kind)
            else:
                kwargs.append(kind)
    return is_async, tuple(kwargs), tuple(positional)


def _literal_names(annotation: Any, *, commands_only: bool = False) -> tuple[str, ...] | None:
    """Node names declared by ``Command[Literal["a", "b"]]`` or ``Literal[...]`` annotations.

    ``commands_only``: a node's return declares destinations only through Command[...],
    as in LangGraph (a node returning ``Literal`` values returns state, not routes).
    """
    if annotation is None or annotation is inspect.Parameter.empty:
        return None
    origin = get_origin(annotation)
    if origin is typing.Union:
        names: list[str] = []
        for arg in get_args(annotation):
            found = _literal_names(arg, commands_only=commands_only)
            if found:
                names.extend(found)
        return tuple(names) or None
    if origin is Literal and not commands_only:
        return tuple(str(a) for a in get_args(annotation))
    if origin is Command:
        args = get_args(annotation)
        return _literal_names(args[0]) if args else None
    return None


def _hints_of(fn: Any) -> dict[str, Any]:
    """Type hints of a function, or of a callable object's ``__call__``."""
    target = fn
    if not inspect.isfunction(fn) and not inspect.ismethod(fn):
        target = getattr(fn, "__call__", fn)  # noqa: B004 - callable objects
    try:
        return get_type_hints(target)
    except Exception:
        return {}


def _annotated_input_schema(fn: Any, hints: dict[str, Any]) -> Any:
    """The class the node's state parameter is annotated with, when it declares fields.

    As in LangGraph, ``def node(state: PrivateState)`` reads (and may write) the keys of
    PrivateState, which become channels of the graph even if the state schema lacks them.
    """
    try:
        first = next(iter(inspect.signature(fn).parameters), None)
    except (TypeError, ValueError):
        return None
    hint = hints.get(first) if first is not None else None
    if isinstance(hint, type) and hint is not dict and getattr(hint, "__annotations__", None):
        return hint
    return None


class StateGraph:
    """A graph whose nodes read and update a shared, typed state.

    ``StateGraph(State)`` where State is a TypedDict, dataclass or pydantic model; fields
    annotated ``Annotated[T, reducer]`` aggregate writes with the reducer, other fields keep
    the last value written.
    """

    def __init__(
        self,
        state_schema: Any,
        context_schema: Any = None,
        *,
        input_schema: Any = None,
        output_schema: Any = None,
        **legacy: Any,
    ) -> None:
        self.state_schema = state_schema
        self.schema = StateSchema(state_schema)
        self.context_schema = context_schema or legacy.get("config_schema")
        self.input_schema = input_schema or legacy.get("input")
        self.output_schema = output_schema or legacy.get("output")
        self.nodes: dict[str, NodeSpec] = {}
        self.edges: set[tuple[str, str]] = set()
        self.waiting_edges: set[tuple[tuple[str, ...], str]] = set()
        self.branches: dict[str, dict[str, Branch]] = {}
        self.node_defaults = NodeDefaults()
        self.compiled = False

    @property
    def managed(self) -> dict[str, Any]:
        """The state's managed keys (RemainingSteps, IsLastStep) and what fills each."""
        return dict(self.schema.managed)

    def set_node_defaults(
        self,
        *,
        retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None,
        cache_policy: CachePolicy | None = None,
        error_handler: Callable[..., Any] | None = None,
        timeout: float | timedelta | TimeoutPolicy | None = None,
    ) -> StateGraph:
        """Policies for every node that does not set its own, applied at ``compile()``.

        Retry and timeout defaults also cover error handlers; the cache and error-handler
        defaults cover regular nodes only (a handler never handles its own failure).
        """
        d = self.node_defaults
        if retry_policy is not None:
            d.retry_policy = retry_policy
        if cache_policy is not None:
            d.cache_policy = cache_policy
        if error_handler is not None:
            d.error_handler = error_handler
        if timeout is not None:
            d.timeout = TimeoutPolicy.coerce(timeout)
        return self

    @property
    def channels(self) -> dict[str, Any]:
        """The state's channels by key, as LangGraph's ``builder.channels``: the state
        schema's, then those only the input, output or a node's own schema declares."""
        channels = dict(self.schema.channels)
        for extra in other_schemas(self):
            for key, channel in extra.channels.items():
                channels.setdefault(key, channel)
        return channels

    # --- nodes ---------------------------------------------------------------------

    def add_node(
        self,
        node: str | Callable[..., Any],
        action: Callable[..., Any] | None = None,
        *,
        retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None,
        metadata: dict[str, Any] | None = None,
        destinations: dict[str, str] | tuple[str, ...] | None = None,
        input_schema: Any = None,
        defer: bool = False,
        cache_policy: CachePolicy | None = None,
        error_handler: Callable[..., Any] | None = None,
        timeout: float | timedelta | TimeoutPolicy | None = None,
        **legacy: Any,
    ) -> StateGraph:
        """Add a node. ``add_node(fn)`` names it after the function.

        ``error_handler``: a node function that runs, in the same step and with the same
        input, when this node fails for good (after its retries); it may take ``error:
        NodeError`` and return updates or a Command. ``timeout`` (async nodes): seconds or
        a TimeoutPolicy. ``cache_policy``: reuse the writes for an equal input.
        """
        if action is None:
            if isinstance(node, str):
                raise GraphValidationError(f"Node {node!r} needs a function")
            action = node
            named: Any = getattr(action, "name", None) or getattr(action, "__name__", None)
            if named is None and callable(action):
                named = type(action).__name__  # a callable object: its class name, as LangGraph
            if not isinstance(named, str):
                raise GraphValidationError(f"cannot name node {action!r}: pass a name")
            node = named
        if not isinstance(node, str) or not node:
            raise GraphValidationError(f"node names must be non-empty strings, got {node!r}")
        if node in self.nodes:
            raise GraphValidationError(f"Node {node!r} already present.")
        if node in RESERVED or node == END:
            raise GraphValidationError(f"Node name {node!r} is reserved.")
        for ch in (":", "|"):
            if ch in node:
                raise GraphValidationError(f"Node name {node!r} must not contain {ch!r}")
        if retry_policy is None and "retry" in legacy:
            retry_policy = legacy["retry"]
        if error_handler is not None:
            handler = f"{ERROR_HANDLER_PREFIX}{node}"
            if handler in self.nodes:
                raise GraphValidationError(f"Node {handler!r} already present.")
            self.nodes[handler] = self._node_spec(handler, error_handler, is_error_handler=True)
        spec = NodeSpec(
            name=node,
            fn=action,
            retry_policy=retry_policy,
            metadata=dict(metadata or {}),
            destinations=destinations,
            input_schema=input_schema or legacy.get("input"),
            defer=defer,
            cache_policy=cache_policy,
            timeout=TimeoutPolicy.coerce(timeout),
            error_handler_node=None if error_handler is None else handler,
        )
        self._inspect(spec, destinations)
        self.nodes[node] = spec
        return self

    def _node_spec(self, name: str, fn: Any, **fields: Any) -> NodeSpec:
        spec = NodeSpec(name=name, fn=fn, **fields)
        self._inspect(spec, None)
        return spec

    @staticmethod
    def _inspect(spec: NodeSpec, destinations: Any) -> None:
        action = spec.fn
        if isinstance(action, CompiledStateGraph):
            spec.is_graph = True
        elif not callable(action) and callable(getattr(action, "ainvoke", None)):
            # a LangChain Runnable (a tool, a chain): run with the node's config, as LangGraph does
            spec.fn = _runnable_node(action)
            spec.is_async, spec.positional = True, ("config",)
        else:
            spec.is_async, spec.kwargs, spec.positional = inspect_callable(action)
            hints = _hints_of(action)
            if destinations is None:
                names = _literal_names(hints.get("return"), commands_only=True)
                if names:
                    spec.destinations = names
            if spec.input_schema is None:
                spec.input_schema = _annotated_input_schema(action, hints)

    def add_sequence(
        self, nodes: Sequence[Callable[..., Any] | tuple[str, Callable[..., Any]]]
    ) -> StateGraph:
        """Add nodes and chain them with edges in order."""
        if not nodes:
            raise GraphValidationError("add_sequence needs at least one node")
        previous: str | None = None
        for item in nodes:
            if isinstance(item, tuple):
                name, fn = item
                self.add_node(name, fn)
            else:
                self.add_node(item)
                name = list(self.nodes)[-1]
            if previous is not None:
                self.add_edge(previous, name)
            previous = name
        return self

    # --- edges ---------------------------------------------------------------------

    def add_edge(self, start_key: str | Sequence[str], end_key: str) -> StateGraph:
        """``add_edge(a, b)``: b runs after a. ``add_edge([a, b], c)``: c waits for both."""
        if isinstance(start_key, str):
            if start_key == END:
                raise GraphValidationError("END cannot be the start of an edge")
            if end_key == START:
                raise GraphValidationError("START cannot be the end of an edge")
            self.edges.add((start_key, end_key))
            return self
        starts = tuple(start_key)
        if not starts:
            raise GraphValidationError(f"add_edge([...], {end_key!r}) needs at least one start")
        for s in starts:
            if s == END:
                raise GraphValidationError("END cannot be the start of an edge")
        self.waiting_edges.add((starts, end_key))
        return self

    def add_conditional_edges(
        self,
        source: str,
        path: Callable[..., Any],
        path_map: dict[Hashable, str] | Sequence[str] | None = None,
    ) -> StateGraph:
        """After ``source``, call ``path(state)`` and go where it says (names, END or Sends)."""
        try:
            hints = get_type_hints(path)
        except Exception:
            hints = {}
        if isinstance(path_map, dict):
            ends: dict[Hashable, str] | None = dict(path_map)
        elif path_map is not None:
            ends = {name: name for name in path_map}
        else:
            ends = None
            names = _literal_names(hints.get("return"))
            if names:
                ends = {n: n for n in names}
        name = getattr(path, "__name__", None) or "condition"
        if name == "<lambda>":
            name = "condition"
        branches = self.branches.setdefault(source, {})
        base, i = name, 1
        while name in branches:
            i += 1
            name = f"{base}_{i}"
        is_async, kwargs, positional = inspect_callable(path)
        branches[name] = Branch(
            path,
            ends,
            "config" in kwargs + positional,
            is_async,
            _annotated_input_schema(path, hints),
        )
        return self

    def set_entry_point(self, key: str) -> StateGraph:
        return self.add_edge(START, key)

    def set_conditional_entry_point(
        self, path: Callable[..., Any], path_map: Any = None
    ) -> StateGraph:
        return self.add_conditional_edges(START, path, path_map)

    def set_finish_point(self, key: str) -> StateGraph:
        return self.add_edge(key, END)

    # --- compile -------------------------------------------------------------------

    def validate(self, interrupt: Sequence[str] = ()) -> None:
        """Raise GraphValidationError, naming the node, for structural mistakes."""
        nodes = self.nodes
        known = set(nodes) | {START, END}
        sources = {s for s, _ in self.edges} | {s for ss, _ in self.waiting_edges for s in ss}
        sources |= set(self.branches)
        for s in sources:
            if s not in known:
                raise GraphValidationError(f"Found edge starting at unknown node {s!r}")
        has_entry = any(s == START for s, _ in self.edges) or START in self.branches
        if not has_entry:
            raise GraphValidationError(
                "Graph must have an entrypoint: add at least one edge from START to another node"
            )
        # No reachability check, as in LangGraph: a node may be reached only through
        # Command(goto=...) or Send, which no static edge shows (the canvas warns instead).
        targets: set[str] = {e for _, e in self.edges} | {e for _, e in self.waiting_edges}
        for src, branches in self.branches.items():
            for cond, branch in branches.items():
                for end in (branch.ends or {}).values():
                    if end not in known:
                        raise GraphValidationError(
                            f"At {src!r} node, {cond!r} branch found unknown target {end!r}"
                        )
        for name, spec in nodes.items():
            dests = spec.destinations
            for d in dests or ():  # a dict maps each destination to its edge label
                if d not in known:
                    raise GraphValidationError(f"Node {name!r} declares unknown destination {d!r}")
        for t in targets:
            if t not in known:
                raise GraphValidationError(f"Found edge ending at unknown node {t!r}")
        for name in interrupt:
            if name != "*" and name not in nodes:
                raise GraphValidationError(f"Interrupt node {name!r} not found")

    def compile(
        self,
        checkpointer: Any = None,
        *,
        store: Any = None,
        interrupt_before: Sequence[str] | str | None = None,
        interrupt_after: Sequence[str] | str | None = None,
        debug: bool = False,
        name: str | None = None,
        cache: Any = None,
        transformers: Sequence[Any] | None = None,
    ) -> Any:
        """Validate the structure and return a runnable CompiledStateGraph.

        ``debug`` is accepted for LangGraph's signature and changes nothing: every run's
        checkpoints and tasks are in the ``debug`` stream mode. Stream transformers (LangGraph's
        stream v3) are refused rather than silently dropped.
        """
        if transformers:
            raise NotImplementedError(
                "compile(transformers=...) is LangGraph's stream v3 API, which runtime does not "
                "implement; use stream_mode instead"
            )
        before = _as_names(interrupt_before)
        after = _as_names(interrupt_after)
        if not (checkpointer is None or isinstance(checkpointer, bool | BaseCheckpointer)):
            raise TypeError(
                "Invalid checkpointer provided. Expected an instance of BaseCheckpointer "
                f"(e.g. InMemoryCheckpointer), True, False, or None; got {type(checkpointer).__name__}"
            )
        if cache is not None and not is_cache(cache):
            raise TypeError(
                f"cache must be a BaseCache (get/set/clear), got {type(cache).__name__}"
            )
        self._apply_node_defaults()
        self.validate([*before, *after])
        self._check_timeouts()
        self.compiled = True
        return CompiledStateGraph(
            self,
            plan=build_plan(self),
            checkpointer=checkpointer,
            store=store,
            cache=cache,
            interrupt_before=before,
            interrupt_after=after,
            name=name or "LangGraph",
        )

    def _apply_node_defaults(self) -> None:
        """Give every node the ``set_node_defaults`` policies it does not set itself."""
        d = self.node_defaults
        default_handler: str | None = None
        if d.error_handler is not None:
            default_handler = DEFAULT_ERROR_HANDLER
            existing = self.nodes.get(default_handler)
            if existing is not None and not existing.is_error_handler:
                raise GraphValidationError(
                    f"Node {default_handler!r} is the default error handler's name: rename "
                    "that node or drop set_node_defaults(error_handler=...)"
                )
            if existing is None or existing.fn is not d.error_handler:
                self.nodes[default_handler] = self._node_spec(
                    default_handler, d.error_handler, is_error_handler=True
                )
        for spec in self.nodes.values():
            if not spec.is_error_handler:
                if spec.error_handler_node is None:
                    spec.error_handler_node = default_handler
                if spec.cache_policy is None:
                    spec.cache_policy = d.cache_policy
            if spec.retry_policy is None:
                spec.retry_policy = d.retry_policy
            if spec.timeout is None:
                spec.timeout = d.timeout

    def _check_timeouts(self) -> None:
        for name, spec in self.nodes.items():
            if spec.timeout is not None and not spec.is_async and not spec.is_graph:
                raise GraphValidationError(
                    "Node timeouts are only supported for async nodes because sync Python "
                    f"execution cannot be safely cancelled in-process. Node {name!r} is sync."
                )


def _as_names(value: Sequence[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)
