"""The engine's import structure: no module-level import cycles anywhere in ``runtime/``;
the engine (``runtime.pregel``) never imports the graph builder (``runtime.graph.state``),
not even inside a function: the builder compiles onto the engine, as LangGraph's
``langgraph.graph.state`` builds on ``langgraph.pregel``; and LangGraph's public names
are found at LangGraph's module paths."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILDER_MODULES = ("runtime.graph.state", "runtime.graph.plan")


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "runtime").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported (not in functions, not under
    ``if TYPE_CHECKING``)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            pending.extend(node.body)
            pending.extend(getattr(node, "orelse", []))
            pending.extend(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                pending.extend(handler.body)
    return found


def _targets(node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level or not node.module:
        return set()
    named = {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in named if name in modules} or (
        {node.module} if node.module in modules else set()
    )


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle (as a path), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(edges):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_no_module_level_import_cycle():
    modules = _modules()
    edges = {
        name: {
            target
            for node in _module_level_imports(ast.parse(path.read_text()))
            for target in _targets(node, modules)
            if target != name
        }
        for name, path in modules.items()
    }
    assert _cycle(edges) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_the_engine_never_imports_the_graph_builder():
    modules = _modules()
    back = [
        f"{name} imports {target}"
        for name, path in modules.items()
        if name.startswith("runtime.pregel")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for target in _targets(node, modules)
        if target.startswith(BUILDER_MODULES)
    ]
    assert back == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("runtime.graph.state", "StateGraph"),
        ("runtime.graph.state", "CompiledStateGraph"),
        ("runtime.graph.message", "add_messages"),
        ("runtime.graph.message", "MessagesState"),
        ("runtime.types", "Command"),
        ("runtime.types", "Send"),
        ("runtime.errors", "GraphRecursionError"),
        ("runtime.config", "get_stream_writer"),
        ("runtime.checkpoint.memory", "InMemorySaver"),
        ("runtime.store.memory", "InMemoryStore"),
    ],
)
def test_langgraph_names_at_langgraph_paths(path, name):
    import runtime

    published = getattr(importlib.import_module(path), name)
    assert published is getattr(runtime, name, published)
    assert callable(published)
