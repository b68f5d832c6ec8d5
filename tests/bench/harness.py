"""Timing one workload on one engine: warm-ups, repeats, correctness checks."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.bench.engines import Engine


@dataclass(frozen=True)
class Workload:
    """A graph, its input and what its final state must be.

    ``build(engine, saver)`` returns a compiled graph; ``make_input()`` a fresh input per
    run; ``check(engine, state)`` raises AssertionError when the final state is wrong.
    """

    name: str
    description: str
    build: Callable[[Engine, Any], Any]
    make_input: Callable[[], Any]
    check: Callable[[Engine, Any], None]
    checkpointer: bool
    recursion_limit: int = 25


def _config(w: Workload, thread_id: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {"recursion_limit": w.recursion_limit}
    if thread_id is not None:
        config["configurable"] = {"thread_id": thread_id}
    return config


def prepare(w: Workload, engine: Engine) -> tuple[Any, Any]:
    """The compiled graph and its checkpointer (None when the workload has none)."""
    saver = engine.new_saver() if w.checkpointer else None
    return w.build(engine, saver), saver


def run_once(
    w: Workload, engine: Engine, graph: Any, saver: Any, durability: str, i: int
) -> tuple[float, Any, str | None]:
    """One timed invoke on a fresh thread: (seconds, final state, thread id)."""
    thread_id = f"bench-{w.name}-{i}" if saver is not None else None
    config = _config(w, thread_id)
    inp = w.make_input()
    # durability means nothing without a checkpointer (LangGraph warns when given one)
    kwargs = {"durability": durability} if saver is not None else {}
    start = time.perf_counter()
    out = graph.invoke(inp, config, **kwargs)
    return time.perf_counter() - start, out, thread_id


def measure(
    w: Workload,
    engine: Engine,
    durability: str,
    *,
    warmup: int,
    repeats: int,
    budget_s: float,
    min_time_s: float = 1.0,
    max_repeats: int = 100,
) -> dict[str, Any]:
    """Time ``w`` on ``engine``; every run's final state is checked, timed or not.

    Runs at least ``repeats`` timed runs, and more (up to ``max_repeats``) until they add
    up to ``min_time_s``, so short workloads get enough samples for a stable median on a
    shared machine. Stops early (after at least 3 timed runs) once ``budget_s`` is spent.
    """
    graph, saver = prepare(w, engine)
    times: list[float] = []
    extra: dict[str, Any] = {}
    started = time.perf_counter()
    i = 0
    while True:
        gc.collect()
        elapsed, out, thread_id = run_once(w, engine, graph, saver, durability, i)
        w.check(engine, out)
        if i >= warmup:
            times.append(elapsed)
        if saver is not None:
            saved = graph.get_state({"configurable": {"thread_id": thread_id}})
            w.check(engine, saved.values)  # the checkpointer really holds the final state
            extra["storage_bytes"] = engine.storage_bytes(saver)
            saver.delete_thread(thread_id)
        i += 1
        timed = len(times)
        if timed >= 3 and time.perf_counter() - started > budget_s:
            break
        if timed >= repeats and (sum(times) >= min_time_s or timed >= max_repeats):
            break
    ms = [t * 1000 for t in times]
    return {
        "engine": engine.name,
        "version": engine.version,
        "workload": w.name,
        "durability": durability,
        "runs": len(ms),
        "median_ms": statistics.median(ms),
        "min_ms": min(ms),
        "times_ms": ms,
        **extra,
    }
