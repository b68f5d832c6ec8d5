"""Code-defined graphs listed in a ``langgraph.json``-shaped file.

``{"graphs": {"graph_id": "path/to/file.py:variable"}}``, paths relative to the file's own
folder. Each module is imported by file path; the variable may hold a compiled graph, an
uncompiled StateGraph (compiled later with the host's checkpointer, see
``ensure_compiled``) or a zero-argument factory returning either.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

from runtime.graphspec.problems import Problem, SpecError, pointer


class GraphsConfigError(SpecError):
    """A graphs file that cannot be read, or an entry that cannot be loaded."""


def _fail(where: str, message: str) -> GraphsConfigError:
    return GraphsConfigError([Problem(where, message, "error", "graphs_config")])


def _import_file(path: Path, graph_id: str) -> Any:
    name = "switchyard_graphs_" + re.sub(r"\W", "_", graph_id) + "_" + re.sub(r"\W", "_", path.stem)
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise _fail(pointer("graphs", graph_id), f"{path} cannot be imported as a module.")
    module = importlib.util.module_from_spec(module_spec)
    # Registered before executing so dataclasses/pickling inside the module can find it.
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise _fail(
            pointer("graphs", graph_id), f"Importing {path} failed: {type(exc).__name__}: {exc}"
        ) from exc
    return module


def load_graphs_config(path: str | Path) -> dict[str, Any]:
    """``{graph_id: compiled graph or StateGraph}`` for every entry of the graphs file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise _fail("", f"Cannot read the graphs file {path}: {exc.strerror or exc}.") from exc
    except ValueError as exc:
        raise _fail("", f"The graphs file {path} is not valid JSON: {exc}.") from exc
    graphs = data.get("graphs") if isinstance(data, dict) else None
    if not isinstance(graphs, dict):
        raise _fail("/graphs", f'{path} needs a "graphs" object mapping ids to "file.py:variable".')
    base = path.resolve().parent
    loaded: dict[str, Any] = {}
    modules: dict[Path, Any] = {}
    for graph_id, target in graphs.items():
        where = pointer("graphs", graph_id)
        if not isinstance(target, str) or ":" not in target:
            raise _fail(where, f'Graph {graph_id!r} must be "path/to/file.py:variable".')
        file_part, _, variable = target.rpartition(":")
        file_path = (base / file_part).resolve()
        if not file_path.is_file():
            raise _fail(where, f"Graph {graph_id!r}: {file_path} does not exist.")
        if file_path not in modules:
            modules[file_path] = _import_file(file_path, graph_id)
        module = modules[file_path]
        if not hasattr(module, variable):
            raise _fail(where, f"Graph {graph_id!r}: {file_part} has no variable {variable!r}.")
        value = getattr(module, variable)
        if callable(value) and not hasattr(value, "invoke") and not hasattr(value, "compile"):
            value = value()  # a factory, as langgraph.json allows
        if not (hasattr(value, "invoke") or hasattr(value, "compile")):
            raise _fail(
                where,
                f"Graph {graph_id!r}: {variable!r} is a {type(value).__name__}, not a graph.",
            )
        loaded[graph_id] = value
    return loaded


def is_compiled(graph: Any) -> bool:
    return hasattr(graph, "invoke")


def ensure_compiled(graph: Any, *, checkpointer: Any = None, store: Any = None) -> Any:
    """Compile a StateGraph with the host's checkpointer and store; pass compiled ones through.

    A graph compiled in user code without a checkpointer gets the host's, as the LangGraph
    server does, so threads and time travel work for it too.
    """
    if is_compiled(graph):
        if checkpointer is not None and getattr(graph, "checkpointer", None) is None:
            try:
                graph.checkpointer = checkpointer
            except AttributeError:
                pass
        if store is not None and getattr(graph, "store", None) is None:
            try:
                graph.store = store
            except AttributeError:
                pass
        return graph
    return graph.compile(checkpointer=checkpointer, store=store)
