"""The Django side's layering: services (writes) and selectors (reads) sit below the HTTP
API and the websocket consumers, and never import them, not even lazily inside a
function (a service that needs an API shape means the shape belongs lower down)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BUILDER = Path(__file__).resolve().parents[2] / "builder"
UPPER_LAYERS = ("builder.api", "builder.consumers", "builder.views")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, at any depth of the file, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


@pytest.mark.parametrize("layer", ["services", "selectors"])
def test_lower_layers_do_not_import_the_api_or_the_consumers(layer):
    files = sorted((BUILDER / layer).glob("*.py"))
    assert files
    upward = [
        f"{path.relative_to(BUILDER.parent)}:{line} imports {name}"
        for path in files
        for line, name in _imports(path)
        if name.startswith(UPPER_LAYERS)
    ]
    assert upward == []


def test_the_check_sees_lazy_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from builder.api.compat import run_dict\n")
    assert _imports(sample) == [(2, "builder.api.compat.run_dict")]
