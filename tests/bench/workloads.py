"""Every workload, and the entry point that times one of them on one engine.

``python -m tests.bench.workloads ENGINE WORKLOAD [--durability D]`` prints one JSON line
with the timings. ``__main__`` runs it once with the project's interpreter (engine
``runtime``) and once with LangGraph's throwaway venv (engine ``langgraph``).
"""

from __future__ import annotations

import argparse
import importlib.abc
import json
import sys
import traceback

# The LangGraph side must not see the project: it runs in a venv without Django and must
# not pick up ``runtime`` by accident. Blocked before anything below can import them.
_BLOCKED_FOR_LANGGRAPH = frozenset({"runtime", "builder", "django"})


class _BlockProjectImports(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname.partition(".")[0] in _BLOCKED_FOR_LANGGRAPH:
            raise ImportError(f"the LangGraph side of the benchmark must not import {fullname!r}")
        return None


def _workloads():
    from tests.bench.agent_loop import AGENT_LOOP
    from tests.bench.chain import CHAIN, WIDE
    from tests.bench.fanout import FANOUT_WORKLOAD

    return {w.name: w for w in (CHAIN, FANOUT_WORKLOAD, AGENT_LOOP, WIDE)}


WORKLOAD_NAMES = ("chain100", "fanout500", "loop200", "wide50")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.workloads")
    parser.add_argument("engine", choices=("runtime", "langgraph"))
    parser.add_argument("workload", choices=WORKLOAD_NAMES)
    parser.add_argument("--durability", default="async", choices=("sync", "async", "exit"))
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=1.0, help="timed seconds to reach")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per workload")
    args = parser.parse_args(argv)
    if args.engine == "langgraph":
        sys.meta_path.insert(0, _BlockProjectImports())
    from tests.bench import engines
    from tests.bench.harness import measure

    try:
        engine = engines.load(args.engine)
        result = measure(
            _workloads()[args.workload],
            engine,
            args.durability,
            warmup=args.warmup,
            repeats=args.repeats,
            budget_s=args.budget,
            min_time_s=args.min_time,
        )
    except Exception as exc:
        traceback.print_exc()
        result = {
            "engine": args.engine,
            "workload": args.workload,
            "durability": args.durability,
            "error": f"{type(exc).__name__}: {exc}",
        }
    print(json.dumps(result))
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
