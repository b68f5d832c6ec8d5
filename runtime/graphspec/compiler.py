"""``compile_spec``: a validated GraphSpec onto ``runtime.StateGraph``.

Fields become a TypedDict with ``Annotated`` reducers, nodes become functions built by
their kind, routes become conditional edges whose path map is ``{label: target}``,
fan-outs become conditional edges returning ``Send`` lists, breakpoints become
``interrupt_before/after`` and a node's retry, timeout and cache settings become its
``RetryPolicy``, ``TimeoutPolicy`` and ``CachePolicy``.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any

from runtime.graphspec.kinds import KINDS, BuildContext
from runtime.graphspec.problems import Problem, SpecError, has_errors
from runtime.graphspec.registry import Registry, default_registry
from runtime.graphspec.routing import choose_branch, fanout_payloads, path_map
from runtime.graphspec.state import build_state_schema, defaults_of
from runtime.graphspec.validate import validate_spec

Loader = Callable[[str, "int | None"], Any]


def _py_name(prefix: str, text: str) -> str:
    return prefix + re.sub(r"\W", "_", text)


def _retry_policy(retry: Mapping[str, Any] | None) -> Any:
    if not retry:
        return None
    from runtime import RetryPolicy

    keys = ("max_attempts", "initial_interval", "backoff_factor", "max_interval", "jitter")
    return RetryPolicy(**{k: retry[k] for k in keys if k in retry})


def _timeout_policy(timeout: Mapping[str, Any] | None) -> Any:
    if not timeout:
        return None
    from runtime.types import TimeoutPolicy

    keys = ("run_timeout", "idle_timeout", "refresh_on")
    return TimeoutPolicy(**{k: timeout[k] for k in keys if k in timeout})


def _cache_policy(cache: Mapping[str, Any] | None) -> Any:
    if cache is None:
        return None
    from runtime.types import CachePolicy

    return CachePolicy(ttl=cache.get("ttl"))


def _cancellable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A sync kind's function as an async one (run in a thread) so a timeout can apply:
    the run stops waiting for it when the time is up; the thread's result is dropped."""
    if inspect.iscoroutinefunction(fn):
        return fn

    @functools.wraps(fn)
    async def in_thread(*args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kwargs)

    return in_thread


def _route_function(route: Mapping[str, Any], defaults: Mapping[str, Any]) -> Callable[..., str]:
    def route_path(state: dict[str, Any]) -> str:
        return choose_branch(route, state, defaults)

    route_path.__name__ = _py_name("route_", str(route["id"]))
    route_path.__annotations__ = {}
    return route_path


def _fanout_function(fanout: Mapping[str, Any], defaults: Mapping[str, Any]) -> Callable[..., Any]:
    from runtime import Send

    target = fanout["target"]

    def fan_out(state: dict[str, Any]) -> list[Any]:
        return [Send(target, payload) for payload in fanout_payloads(fanout, state, defaults)]

    fan_out.__name__ = _py_name("fanout_", str(fanout["id"]))
    fan_out.__annotations__ = {}
    return fan_out


def build_graph(
    spec: Mapping[str, Any],
    *,
    registry: Registry | None = None,
    loader: Loader | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The uncompiled StateGraph of a *valid* spec, and the keyword arguments for compile().

    Hosts that attach their own checkpointer later use this; ``compile_spec`` validates.
    """
    from runtime import StateGraph

    registry = registry or default_registry()
    fields = list(spec["state"]["fields"])
    field_map = {f["name"]: f for f in fields}
    defaults = defaults_of(fields)
    graph = StateGraph(build_state_schema(fields))
    routes = list(spec.get("routes") or [])
    fanouts = list(spec.get("fanouts") or [])
    for node in spec["nodes"]:
        kind = KINDS[node["kind"]]
        ctx = BuildContext(
            node_id=node["id"],
            fields=field_map,
            defaults=defaults,
            registry=registry,
            loader=loader,
            routes=[r for r in routes if r["source"] == node["id"]],
        )
        fn = kind.build(node.get("config") or {}, ctx)
        fn.__name__ = _py_name("node_", node["id"])
        # The engine reads type hints to find Literal destinations; ours have none, and
        # resolving string annotations for hundreds of nodes is most of compile time.
        fn.__annotations__ = {}
        metadata = {"kind": node["kind"], "label": node.get("label") or node["id"]}
        timeout = _timeout_policy(node.get("timeout"))
        graph.add_node(
            node["id"],
            fn if timeout is None else _cancellable(fn),
            retry_policy=_retry_policy(node.get("retry")),
            timeout=timeout,
            cache_policy=_cache_policy(node.get("cache")),
            metadata=metadata,
        )
    for edge in spec["edges"]:
        graph.add_edge(edge["source"], edge["target"])
    for route in routes:
        graph.add_conditional_edges(
            route["source"], _route_function(route, defaults), path_map(route)
        )
    for fanout in fanouts:
        graph.add_conditional_edges(
            fanout["source"], _fanout_function(fanout, defaults), [fanout["target"]]
        )
    points = spec.get("breakpoints") or {}
    options: dict[str, Any] = {
        "interrupt_before": list(points.get("before") or []),
        "interrupt_after": list(points.get("after") or []),
        "name": spec.get("name") or "graph",
    }
    if any(node.get("cache") is not None for node in spec["nodes"]):
        from runtime.cache import InMemoryCache

        options["cache"] = InMemoryCache()  # the compiled graph's own, for its process
    return graph, options


def compile_spec(
    spec: Any,
    *,
    checkpointer: Any = None,
    store: Any = None,
    registry: Registry | None = None,
    loader: Loader | None = None,
) -> Any:
    """Validate ``spec`` and compile it; raises SpecError (with every problem) if invalid."""
    registry = registry or default_registry()
    problems = validate_spec(spec, registry=registry)
    if has_errors(problems):
        raise SpecError(problems)
    try:
        graph, options = build_graph(spec, registry=registry, loader=loader)
        return graph.compile(checkpointer=checkpointer, store=store, **options)
    except Exception as exc:
        # Validation should have caught this; report it the same way rather than as a
        # server error (and keep the cause chained for the logs).
        message = f"The graph could not be compiled ({type(exc).__name__}: {exc})."
        raise SpecError([Problem("", message, "error", "engine")]) from exc
