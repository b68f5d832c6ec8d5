"""A spec that validates never fails later with anything but SpecError or a node's error.

Random mutations of the demo specs: validate_spec must not raise, and whenever it reports
no errors compile_spec must succeed.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from runtime.graphspec import SpecError, compile_spec, validate_spec
from tests.runtime.graphspec.conftest import base_spec, load_demo

JUNK: list[Any] = [None, 0, -1, 2.5, "", "x", "__end__", "__start__", [], {}, [1], {"a": 1}, True]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _paths(child, (*prefix, i))
    return out


def _mutate(spec: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_paths(spec)[1:])
        parent: Any = spec
        for key in path[:-1]:
            parent = parent[key]
        action = rng.random()
        if action < 0.6:
            parent[path[-1]] = rng.choice(JUNK)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    return spec


SOURCES = [
    base_spec(),
    load_demo("support_triage.json"),
    load_demo("research_agent.json"),
    load_demo("map_reduce.json"),
]


@pytest.mark.parametrize("seed", range(40))
def test_mutated_specs_never_crash(seed):
    rng = random.Random(seed)
    for _ in range(10):
        spec = _mutate(rng.choice(SOURCES), rng)
        problems = validate_spec(spec)
        assert not any(p.code == "internal" for p in problems), problems
        if any(p.severity == "error" for p in problems):
            with pytest.raises(SpecError):
                compile_spec(spec)
        else:
            compile_spec(spec)
