"""``python -m tests.bench`` (``make bench``): every workload on runtime and on LangGraph 1.2.

Each (workload, durability) case runs in fresh subprocesses, alternating for ``--rounds``:
the project's interpreter with engine ``runtime``, then LangGraph's with engine
``langgraph`` (``python -m tests.bench.workloads``); each side's timed runs are pooled.
LangGraph lives in a throwaway venv outside the project, never a dependency:
``$LANGGRAPH_PYTHON`` (default /tmp/lg-venv/bin/python), created here when missing. The
target is runtime's median at most a quarter of LangGraph's.

Options: ``--only NAME`` (repeatable), ``--rounds N``, ``--warmup N``, ``--repeats N``,
``--min-time S``, ``--json PATH``, ``--no-langgraph``, ``--strict`` (exit 1 when a target
is missed), ``--ws`` (the websocket fan-out bench, ``tests/bench/bench_ws.py``, instead).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.bench.workloads import WORKLOAD_NAMES

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LG_PYTHON = "/tmp/lg-venv/bin/python"
LANGGRAPH_SPEC = "langgraph>=1.2,<1.3"
TARGET = 0.25

# (workload, durability): durability matters only where there is a checkpointer, so the
# checkpointer workloads are measured with both the default ("async") and "sync".
CASES = (
    ("chain100", "async"),
    ("fanout500", "async"),
    ("loop200", "async"),
    ("loop200", "sync"),
    ("wide50", "async"),
    ("wide50", "sync"),
)
CHECKPOINTED = {"loop200", "wide50"}


def _lg_version(python: str) -> str | None:
    probe = "import importlib.metadata as m; print(m.version('langgraph'))"
    try:
        out = subprocess.run(
            [python, "-c", probe], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    version = out.stdout.strip()
    return version if out.returncode == 0 and version else None


def _wanted(version: str | None) -> bool:
    return version is not None and version.split(".")[:2] == ["1", "2"]


def langgraph_python() -> tuple[str | None, str]:
    """(interpreter, message): LangGraph 1.2's python, installing the default venv if needed."""
    python = os.environ.get("LANGGRAPH_PYTHON") or DEFAULT_LG_PYTHON
    version = _lg_version(python) if Path(python).exists() else None
    if _wanted(version):
        return python, f"LangGraph {version} ({python})"
    if python != DEFAULT_LG_PYTHON:
        found = f"has langgraph {version}" if version else "has no langgraph"
        return None, f"LangGraph side skipped: LANGGRAPH_PYTHON={python} {found}; need 1.2.x"
    venv = Path(python).parents[1]
    print(f"Installing {LANGGRAPH_SPEC} into a throwaway venv at {venv} ...", flush=True)
    steps = []
    if not Path(python).exists():
        steps.append([sys.executable, "-m", "venv", str(venv)])
    steps.append([python, "-m", "pip", "install", "-q", LANGGRAPH_SPEC])
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"LangGraph side skipped: {' '.join(cmd[:4])} failed: {why}"
    version = _lg_version(python)
    if not _wanted(version):
        return None, f"LangGraph side skipped: {python} has langgraph {version}, need 1.2.x"
    return python, f"LangGraph {version} ({python}, installed now)"


def _env(engine: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if engine == "langgraph":
        # no tracing or other network side effects in the measured runs
        for key in list(env):
            if key.startswith(("LANGSMITH_", "LANGCHAIN_")):
                del env[key]
    return env


def run_side(
    python: str, engine: str, workload: str, durability: str, args: argparse.Namespace
) -> dict[str, Any]:
    """One subprocess timing ``workload`` on ``engine``; its JSON result (or an error)."""
    cmd = [
        python,
        "-m",
        "tests.bench.workloads",
        engine,
        workload,
        "--durability",
        durability,
        "--warmup",
        str(args.warmup),
        "--repeats",
        str(math.ceil(args.repeats / args.rounds)),
        "--budget",
        str(args.budget),
        "--min-time",
        str(args.min_time / args.rounds),
    ]
    done = subprocess.run(
        cmd, cwd=ROOT, env=_env(engine), capture_output=True, text=True, check=False
    )
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        result = {"error": f"exit {done.returncode}: {tail}"}
    if "error" in result and done.stderr.strip():
        result["stderr"] = done.stderr.strip()[-2000:]
    return result


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's rounds pooled: all timed runs together, the last round's extras."""
    for part in parts:
        if "error" in part:
            return part
    times = [t for part in parts for t in part["times_ms"]]
    return {
        **parts[-1],
        "runs": len(times),
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "times_ms": times,
    }


def run_case(
    workload: str, durability: str, args: argparse.Namespace, lg_python: str | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Both sides of one case, alternating runtime and LangGraph for ``args.rounds`` rounds.

    On a shared machine the load drifts; alternating spreads that drift over both sides
    instead of charging it to whichever side ran during a busy moment.
    """
    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    for _ in range(args.rounds):
        ours.append(run_side(sys.executable, "runtime", workload, durability, args))
        if lg_python:
            theirs.append(run_side(lg_python, "langgraph", workload, durability, args))
    return _merge(ours), (_merge(theirs) if lg_python else None)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "workload",
        "durability",
        "runtime med",
        "runtime min",
        "lg med",
        "lg min",
        "ratio med",
        "ratio min",
    )
    body = []
    for r in rows:
        ours, theirs = r["runtime"], r["langgraph"]
        ratio = r.get("ratio")
        min_ratio = (
            ours["min_ms"] / theirs["min_ms"]
            if theirs and "min_ms" in theirs and "min_ms" in ours
            else None
        )
        verdict = (
            "ERROR"
            if "error" in ours or "error" in (theirs or {})
            else "-"
            if ratio is None
            else ("met" if ratio <= TARGET else "MISSED")
        )
        body.append(
            (
                r["workload"],
                r["durability"] if r["workload"] in CHECKPOINTED else "-",
                _ms(ours.get("median_ms")),
                _ms(ours.get("min_ms")),
                _ms((theirs or {}).get("median_ms")),
                _ms((theirs or {}).get("min_ms")),
                "-" if ratio is None else f"{ratio:.3f}",
                "-" if min_ratio is None else f"{min_ratio:.3f}",
                verdict,
            )
        )
    head = (*head, f"med <= {TARGET}")
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in body]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--only", action="append", choices=WORKLOAD_NAMES)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    parser.add_argument("--min-time", type=float, default=1.5, help="timed seconds per side")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per side per case")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--no-langgraph", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--ws", action="store_true", help="run the websocket fan-out bench (bench_ws.py) instead"
    )
    args = parser.parse_args(argv)
    if args.ws:
        from tests.bench.bench_ws import main as bench_ws

        return bench_ws([])

    lg_python, lg_note = (None, "LangGraph side skipped: --no-langgraph")
    if not args.no_langgraph:
        lg_python, lg_note = langgraph_python()
    print(lg_note, flush=True)
    print(
        f"runtime: working tree ({sys.executable}); "
        f"{args.rounds} alternating rounds per side, each {args.warmup} warm-ups then timed runs; "
        f"at least {args.repeats} runs and {args.min_time:g} s per side; times in ms\n",
        flush=True,
    )

    rows: list[dict[str, Any]] = []
    for workload, durability in CASES:
        if args.only and workload not in args.only:
            continue
        ours, theirs = run_case(workload, durability, args, lg_python)
        ratio = None
        if theirs and "median_ms" in theirs and "median_ms" in ours:
            ratio = ours["median_ms"] / theirs["median_ms"]
        rows.append(
            {
                "workload": workload,
                "durability": durability,
                "runtime": ours,
                "langgraph": theirs,
                "ratio": ratio,
            }
        )
        for side in (ours, theirs or {}):
            if "error" in side:
                print(f"{workload}/{durability} {side.get('engine', '?')}: {side['error']}")
                if "stderr" in side:
                    print(side["stderr"])

    print(table(rows))
    print()
    for r in rows:
        if r["workload"] in CHECKPOINTED and "storage_bytes" in r["runtime"]:
            lg_bytes = (r["langgraph"] or {}).get("storage_bytes")
            lg_text = f", LangGraph InMemorySaver {lg_bytes:,} B" if lg_bytes else ""
            print(
                f"storage after one {r['workload']} run ({r['durability']}): "
                f"runtime InMemoryCheckpointer {r['runtime']['storage_bytes']:,} B{lg_text}"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))

    failed = any("error" in r["runtime"] or "error" in (r["langgraph"] or {}) for r in rows)
    missed = any(r["ratio"] is not None and r["ratio"] > TARGET for r in rows)
    if failed:
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
