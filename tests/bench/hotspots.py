"""Profile the runtime side of one workload with cProfile and print the top functions.

``python -m tests.bench.hotspots WORKLOAD [--durability D] [--runs N] [--sort tottime]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats

from tests.bench import engines
from tests.bench.harness import prepare, run_once
from tests.bench.workloads import WORKLOAD_NAMES, _workloads


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.hotspots")
    parser.add_argument("workload", choices=WORKLOAD_NAMES)
    parser.add_argument("--durability", default="async", choices=("sync", "async", "exit"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    args = parser.parse_args(argv)

    w = _workloads()[args.workload]
    engine = engines.load("runtime")
    graph, saver = prepare(w, engine)
    run_once(w, engine, graph, saver, args.durability, -1)  # warm-up, not profiled
    profiler = cProfile.Profile()
    for i in range(args.runs):
        profiler.enable()
        _elapsed, out, thread_id = run_once(w, engine, graph, saver, args.durability, i)
        profiler.disable()
        w.check(engine, out)
        if saver is not None:
            saver.delete_thread(thread_id)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(f"{args.workload} ({args.durability}), {args.runs} runs, totals over all runs")
    print(text.getvalue())


if __name__ == "__main__":
    main()
