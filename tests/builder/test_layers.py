"""The Django side's layering (docs/architecture.md): imports go one way,

    api, consumers, views, tasks, commands -> services, selectors -> execution
        -> foundation (models, event log, wire, checkpointer, store) -> runtime

and never back, not even lazily inside a function (a service that needs an API shape
means the shape belongs lower down). Every module of ``builder/`` must have a layer: a
new package fails here until it is placed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BUILDER = Path(__file__).resolve().parents[2] / "builder"

# Module prefix -> layer; the longest matching prefix wins. Higher may import lower.
LAYERS: dict[str, int] = {
    "builder": 1,  # the package itself: settings, the Celery app, the leaf modules below
    "builder.models": 1,
    "builder.eventlog": 1,
    "builder.wire": 1,  # LangGraph Server payloads (pure functions of rows and values)
    "builder.eventtypes": 1,
    "builder.netguard": 1,
    "builder.checkpointer": 1,
    "builder.store": 1,
    "builder.execution": 2,
    "builder.services": 3,
    "builder.selectors": 3,
    "builder.permissions": 3,
    "builder.api": 4,
    "builder.consumers": 4,
    "builder.views": 4,
    "builder.views_share": 4,
    "builder.urls": 4,
    "builder.routing": 4,
    "builder.asgi": 4,
    "builder.tasks": 4,
    "builder.cron_ticker": 4,  # the embedded scheduler thread, started by asgi
    "builder.management": 4,
    "builder.admin": 4,
    "builder.apps": 4,
    "builder.checks": 4,
    "builder.health": 4,
    "builder.outage": 4,
    "builder.ratelimit": 4,
    "builder.log_redaction": 4,  # logging filter and daphne access-log patch, from asgi
    "builder.templatetags": 4,
}
NAMES = {1: "foundation", 2: "execution", 3: "services", 4: "entry points"}


def layer_of(module: str) -> int:
    matches = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(matches, key=len)]


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, at any depth of the file, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BUILDER.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def back_edges(path: Path, module: str) -> list[str]:
    """The imports of ``path`` (the module ``module``) that reach a higher layer."""
    own = layer_of(module)
    return [
        f"{module}:{line} ({NAMES[own]}) imports {name} ({NAMES[layer_of(name)]})"
        for line, name in _imports(path)
        if name.startswith("builder.") and layer_of(name) > own
    ]


def _sources() -> list[Path]:
    return sorted(p for p in BUILDER.rglob("*.py") if "migrations" not in p.parts)


def test_every_module_has_a_layer():
    top = {"builder", "builder.settings", "builder.celery"}  # the project's own frame
    unplaced = [
        name
        for name in map(_module_name, _sources())
        if name not in top
        and not any(name.startswith(p + ".") or name == p for p in LAYERS if p != "builder")
    ]
    assert unplaced == []


def test_imports_go_one_way():
    files = _sources()
    assert len(files) > 100
    assert [edge for path in files for edge in back_edges(path, _module_name(path))] == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("builder.execution.sample", "from builder.services.runs import run_start\n"),
        ("builder.services.sample", "def f():\n    from builder.api.compat import run_dict\n"),
        ("builder.eventlog", "import builder.execution.dispatch\n"),
    ],
)
def test_a_back_edge_is_reported_even_inside_a_function(tmp_path, module, source):
    sample = tmp_path / "sample.py"
    sample.write_text(source)
    (edge,) = back_edges(sample, module)
    assert edge.startswith(f"{module}:")


def test_the_check_sees_lazy_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from builder.api.compat import run_dict\n")
    assert _imports(sample) == [(2, "builder.api.compat.run_dict")]
