from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

DEMOS = Path(__file__).resolve().parents[3] / "runtime" / "examples"


def base_spec() -> dict[str, Any]:
    """A small valid spec: start -> a -> (route) -> b | END."""
    return {
        "spec_version": 1,
        "name": "base",
        "state": {
            "fields": [
                {"name": "messages", "type": "messages", "reducer": "messages", "default": []},
                {"name": "count", "type": "integer", "reducer": "add", "default": 0},
                {"name": "label", "type": "string"},
                {"name": "items", "type": "array", "reducer": "append", "default": []},
            ]
        },
        "nodes": [
            {
                "id": "a",
                "kind": "transform",
                "config": {"set": [{"field": "count", "expression": "1"}]},
            },
            {
                "id": "b",
                "kind": "transform",
                "config": {"set": [{"field": "label", "template": "n={{ state.count }}"}]},
            },
        ],
        "edges": [
            {"id": "e1", "source": "__start__", "target": "a"},
            {"id": "e2", "source": "b", "target": "__end__"},
        ],
        "routes": [
            {
                "id": "r1",
                "source": "a",
                "branches": [{"label": "more", "when": "state.count < 3", "target": "b"}],
                "default": "__end__",
            }
        ],
    }


def load_demo(name: str) -> dict[str, Any]:
    return json.loads((DEMOS / name).read_text())


@pytest.fixture
def spec() -> dict[str, Any]:
    return copy.deepcopy(base_spec())
