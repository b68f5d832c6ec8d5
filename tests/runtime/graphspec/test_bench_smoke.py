"""The spec benchmark runs (its timing is printed by ``python -m tests.bench.bench_spec``)."""

from __future__ import annotations

from tests.bench.bench_spec import NODES, make_spec, measure


def test_bench_spec_is_valid_and_runs():
    assert len(make_spec()["nodes"]) == NODES
    timings = measure(repeats=1)
    assert set(timings) == {"compile_spec", "validate_spec", "warm"}
