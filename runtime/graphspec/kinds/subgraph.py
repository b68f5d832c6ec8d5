"""``subgraph``: runs another graph (by id and version) as one step of this one.

The host provides ``loader(graph_id, version)`` returning a GraphSpec dict or a compiled
graph. The child is invoked with the parent's config, so the engine nests it under the
parent's checkpoint namespace: interrupts inside the child pause the parent, and resuming
the parent resumes the child.

``persistence`` picks what the child keeps, as LangGraph's ``compile(checkpointer=...)``
does for a subgraph: ``inherit`` (the default: its state belongs to this run's task, so an
interrupt inside it resumes), ``per_thread`` (``checkpointer=True``: its state carries over
from run to run of the thread) or ``stateless`` (``checkpointer=False``: nothing saved).
"""

from __future__ import annotations

import contextvars
import copy
import threading
from collections.abc import Mapping
from typing import Any

from runtime.graphspec.kinds.base import BuildContext, CheckContext, NodeFunction, NodeKind
from runtime.graphspec.state import FANOUT_KEY

MAX_DEPTH = 8
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("switchyard_subgraph_depth", default=0)

# persistence -> the child's ``checkpointer`` as LangGraph spells it (None: inherit)
PERSISTENCE: dict[str, bool | None] = {"inherit": None, "per_thread": True, "stateless": False}

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Subgraph",
    "required": ["graph_id"],
    "additionalProperties": False,
    "properties": {
        "graph_id": {"type": "string", "minLength": 1, "description": "The graph to run."},
        "version": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Version number (empty: the latest).",
        },
        "inputs": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Child field -> expression over this graph's state "
            "(empty: pass the whole state).",
        },
        "persistence": {
            "type": "string",
            "enum": list(PERSISTENCE),
            "description": "What the child keeps: inherit (its state lives with this run "
            "and resumes after an interrupt; the default), per_thread (kept from run to run "
            "of the thread), stateless (nothing saved).",
        },
        "outputs": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "This graph's field -> child field (empty: copy same-named "
            "replace/merge/messages fields).",
        },
    },
}


class SubgraphError(RuntimeError):
    """The child graph could not be loaded or nested too deeply."""


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    for name, source in (config.get("inputs") or {}).items():
        ctx.expression(source, "inputs", name)
    for name in config.get("outputs") or {}:
        ctx.field(name, "outputs", name)


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    graph_id = config["graph_id"]
    version = config.get("version")
    inputs: dict[str, str] = dict(config.get("inputs") or {})
    outputs: dict[str, str] = dict(config.get("outputs") or {})
    persistence = PERSISTENCE[config.get("persistence") or "inherit"]
    cache: dict[str, Any] = {}
    lock = threading.Lock()

    def child() -> Any:
        # Loaded on first run, not at compile time: graphs may name each other, and the
        # host's loader may hit a database.
        with lock:
            if "graph" not in cache:
                if ctx.loader is None:
                    raise SubgraphError("this server has no graph loader for subgraph nodes")
                loaded = ctx.loader(graph_id, version)
                if loaded is None:
                    raise SubgraphError(f"graph {graph_id!r} version {version} was not found")
                if isinstance(loaded, Mapping):
                    from runtime.graphspec.compiler import compile_spec

                    loaded = compile_spec(loaded, registry=ctx.registry, loader=ctx.loader)
                if persistence is not None:
                    # a copy: the loader may hand the same compiled graph to other nodes
                    loaded = copy.copy(loaded)
                    loaded.checkpointer = persistence
                cache["graph"] = loaded
            return cache["graph"]

    def default_outputs(result: Mapping[str, Any]) -> dict[str, Any]:
        copyable = {
            name
            for name, spec in ctx.fields.items()
            if spec.get("reducer", "replace") in ("replace", "merge", "messages")
        }
        return {k: v for k, v in result.items() if k in copyable}

    def subgraph(state: dict[str, Any], config: dict[str, Any] | None = None) -> dict[str, Any]:
        depth = _depth.get()
        if depth >= MAX_DEPTH:
            raise SubgraphError(f"subgraphs nest deeper than {MAX_DEPTH} levels")
        if inputs:
            payload = {name: ctx.evaluate(src, state) for name, src in inputs.items()}
        else:
            payload = {k: v for k, v in ctx.variables(state)["state"].items() if k != FANOUT_KEY}
        token = _depth.set(depth + 1)
        try:
            result = child().invoke(payload, config)
        finally:
            _depth.reset(token)
        result = dict(result or {})
        if outputs:
            return {parent: result.get(name) for parent, name in outputs.items()}
        return default_outputs(result)

    return subgraph


KIND = NodeKind(
    kind="subgraph",
    title="Subgraph",
    description="Runs another saved graph (a given version) as one step and maps its results back.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("inputs",),
    outputs=("outputs",),
)
