"""Turn a run's graph (a GraphSpec version, a draft, or a code-defined graph) into a
compiled runtime graph bound to a checkpointer."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from builder.execution.credentials import run_registry
from builder.models import Graph, GraphSource, Run
from runtime.graphspec import compile_spec, load_graphs_config


class GraphLoadError(Exception):
    """The graph of a run cannot be loaded; the message says which and why."""


def code_graphs() -> dict[str, Any]:
    """``{graph_id: graph object}`` for GRAPHS_CONFIG (empty when unset).

    Loaded once per process and path: the modules are imported once, like any module.
    """
    path = settings.BUILDER["GRAPHS_CONFIG"]
    if not path:
        return {}
    return _load(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    try:
        return load_graphs_config(path)
    except ValueError as exc:  # runtime.graphspec's SpecError / GraphsConfigError
        raise GraphLoadError(f"GRAPHS_CONFIG {path}: {exc}") from exc


def load_code_graph(graph_id: str) -> Any:
    """The object GRAPHS_CONFIG names for ``graph_id`` (a StateGraph or compiled graph)."""
    graphs = code_graphs()
    if graph_id not in graphs:
        raise GraphLoadError(f"graph {graph_id!r} is not listed in GRAPHS_CONFIG")
    return graphs[graph_id]


def bind_checkpointer(obj: Any, checkpointer: Any, store: Any = None) -> Any:
    """Compile a StateGraph with ``checkpointer``, or rebind a compiled graph.

    A compiled graph is shared by every run of the process, so it is copied rather than
    given this run's checkpointer in place.
    """
    if hasattr(obj, "compile") and not hasattr(obj, "invoke"):
        return obj.compile(checkpointer=checkpointer, store=store)
    bound = copy.copy(obj)
    bound.checkpointer = checkpointer
    if store is not None and getattr(bound, "store", None) is None:
        bound.store = store
    return bound


def run_spec(run: Run) -> tuple[Graph, dict[str, Any] | None]:
    """The graph a run executes and its spec (None for code graphs): the draft it was
    started on (a test run), else the run's version, else the assistant's pinned version,
    else the graph's latest version, else its draft."""
    graph = run.thread.graph or (run.assistant.graph if run.assistant else None)
    if graph is None:
        raise GraphLoadError(f"run {run.pk}: its thread has no graph and no assistant")
    if graph.source == GraphSource.CODE:
        return graph, None
    if run.draft_spec is not None:
        return graph, run.draft_spec
    version = run.graph_version or (run.assistant.graph_version if run.assistant else None)
    if version is None:
        version = graph.versions.order_by("-number").first()
    return graph, (version.spec if version is not None else graph.draft)


def load_run_graph(run: Run, checkpointer: Any, store: Any = None) -> Any:
    """The compiled graph for ``run``, using ``checkpointer`` and ``store``."""
    graph, spec = run_spec(run)
    if spec is None:
        code = load_code_graph(graph.code_ref or graph.slug)
        return bind_checkpointer(code, checkpointer, store)
    # The workspace's provider credentials (decrypted) reach llm nodes through the registry.
    registry = run_registry(run.thread.workspace_id)
    return compile_spec(spec, checkpointer=checkpointer, store=store, registry=registry)
