"""Checkpointers on Postgres: the Django checkpointer vs LangGraph's PostgresSaver.

``python -m tests.bench.bench_pg`` (``make bench``). The two checkpointed workloads of
``python -m tests.bench`` (``loop200``: the 200-turn two-node add_messages loop with dict
messages; ``wide50``: the 50-node chain over a 200-key state) run on each side with the
checkpointer on PostgreSQL, durability ``sync`` and ``async``:

- ours: ``runtime`` with ``builder.checkpointer.DjangoCheckpointer``, Django configured
  from ``DATABASE_URL`` as in production (``runtime.configure(inline_sync_nodes=False)``
  from the app config, the ORM on a run's one-thread executor as ``execute_run`` does);
- theirs: LangGraph 1.2 with ``langgraph-checkpoint-postgres``'s ``PostgresSaver``, in the
  throwaway venv of ``python -m tests.bench`` (``$LANGGRAPH_PYTHON``, default
  /tmp/lg-venv/bin/python; the package is installed there when missing).

Each side has its own database (``switchyard_bench`` and ``switchyard_bench_lg`` on
``--pg``, created when missing; the checkpoint tables are emptied before each side runs).
Each case alternates the two sides for ``--rounds`` subprocesses and pools their timed
runs. Reported: milliseconds per step (a step is one checkpoint: the input plus one per
node run), and the checkpoint tables' size after one loop200 run on emptied tables, both
on disk (``pg_total_relation_size`` after VACUUM ANALYZE: heap, TOAST and indexes) and
logical (the bytes of the stored values). Targets: time per step at most half of
PostgresSaver's, bytes on disk at most a tenth.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LG_PACKAGES = ("langgraph-checkpoint-postgres", "psycopg[binary]")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
OUR_DB = "switchyard_bench"
THEIR_DB = "switchyard_bench_lg"
TIME_TARGET = 0.5
BYTES_TARGET = 0.1
CASES = (("loop200", "sync"), ("loop200", "async"), ("wide50", "sync"), ("wide50", "async"))

# Table sizes: on disk (heap + TOAST + indexes, after VACUUM) and the logical bytes of
# every column (text and bytea uncompressed, json as text, fixed-size types as stored).
_COLUMNS_SQL = """
    SELECT column_name, data_type FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = %s
"""


def table_bytes(cursor: Any, tables: list[str]) -> dict[str, int]:
    """{"disk": ..., "logical": ..., "rows": ...} for ``tables``, through a DB-API cursor."""
    disk = logical = rows = 0
    for table in tables:
        cursor.execute(f'VACUUM ANALYZE "{table}"')
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        disk += cursor.fetchone()[0]
        cursor.execute(_COLUMNS_SQL, [table])
        parts = []
        for name, kind in cursor.fetchall():
            if kind in ("json", "jsonb"):
                parts.append(f'coalesce(octet_length("{name}"::text), 0)')
            elif kind in ("text", "bytea", "character varying"):
                parts.append(f'coalesce(octet_length("{name}"), 0)')
            else:
                parts.append(f'coalesce(pg_column_size("{name}"), 0)')
        cursor.execute(f'SELECT count(*), sum({" + ".join(parts)}) FROM "{table}"')
        n, size = cursor.fetchone()
        rows += n
        logical += int(size or 0)
    return {"disk": disk, "logical": logical, "rows": rows}


# --- one side, in its own interpreter ---------------------------------------------------


def _steps(workload: str) -> int:
    from tests.bench.agent_loop import TURNS
    from tests.bench.chain import WIDE_NODES

    return {"loop200": 2 * TURNS + 1, "wide50": WIDE_NODES + 1}[workload]


class _Ours:
    """runtime + DjangoCheckpointer, set up as a run in production is."""

    tables = ("builder_checkpoint", "builder_checkpointblob", "builder_checkpointwrite")

    def __init__(self, db_url: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        os.environ["DATABASE_URL"] = db_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "builder.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from builder.checkpointer import DjangoCheckpointer
        from tests.bench import engines

        call_command("migrate", verbosity=0)
        self.connection = connection
        self.engine = engines.load("runtime")
        self.db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-db")
        self.saver = DjangoCheckpointer(executor=self.db_thread)

    def empty(self) -> None:
        with self.connection.cursor() as c:
            c.execute(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY")

    def sizes(self) -> dict[str, int]:
        with self.connection.cursor() as c:
            return table_bytes(c, list(self.tables))

    def close(self) -> None:
        from django.db import connections

        self.db_thread.submit(connections.close_all).result()
        self.db_thread.shutdown()


class _Theirs:
    """LangGraph + PostgresSaver (autocommit connection, as ``from_conn_string`` opens)."""

    tables = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")

    def __init__(self, db_url: str) -> None:
        from langgraph.checkpoint.postgres import PostgresSaver

        from tests.bench import engines

        self.engine = engines.load("langgraph")
        self._cm = PostgresSaver.from_conn_string(db_url)
        self.saver = self._cm.__enter__()
        self.saver.setup()

    def empty(self) -> None:
        with self.saver.conn.cursor() as c:
            c.execute(f"TRUNCATE {', '.join(self.tables)}")

    def sizes(self) -> dict[str, int]:
        from psycopg.rows import tuple_row

        with self.saver.conn.cursor(row_factory=tuple_row) as c:
            return table_bytes(c, list(self.tables))

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


def _side(args: argparse.Namespace) -> dict[str, Any]:
    import gc

    from tests.bench.agent_loop import AGENT_LOOP
    from tests.bench.chain import WIDE

    w = {"loop200": AGENT_LOOP, "wide50": WIDE}[args.workload]
    side = _Ours(args.db) if args.side == "runtime" else _Theirs(args.db)
    try:
        side.empty()
        graph = w.build(side.engine, side.saver)

        def run(i: int) -> float:
            thread = f"bench-{w.name}-{args.durability}-{os.getpid()}-{i}"
            config = {"recursion_limit": w.recursion_limit, "configurable": {"thread_id": thread}}
            gc.collect()
            start = time.perf_counter()
            out = graph.invoke(w.make_input(), config, durability=args.durability)
            elapsed = time.perf_counter() - start
            w.check(side.engine, out)
            saved = graph.get_state({"configurable": {"thread_id": thread}})
            w.check(side.engine, saved.values)  # the database really holds the final state
            return elapsed

        times = []
        for i in range(args.warmup + args.repeats):
            elapsed = run(i)
            if i >= args.warmup:
                times.append(elapsed * 1000)
        result: dict[str, Any] = {
            "engine": side.engine.name,
            "workload": w.name,
            "durability": args.durability,
            "steps": _steps(w.name),
            "times_ms": times,
        }
        if args.bytes:
            side.empty()
            run(-1)
            result["bytes"] = side.sizes()
        return result
    finally:
        side.close()


# --- the orchestration ------------------------------------------------------------------


def _lg_python() -> tuple[str | None, str]:
    from tests.bench.__main__ import langgraph_python

    python, note = langgraph_python()
    if python is None:
        return None, note
    probe = "import langgraph.checkpoint.postgres, psycopg"
    if subprocess.run([python, "-c", probe], capture_output=True, check=False).returncode:
        print(f"Installing {' '.join(LG_PACKAGES)} into {python} ...", flush=True)
        done = subprocess.run(
            [python, "-m", "pip", "install", "-q", *LG_PACKAGES],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"PostgresSaver side skipped: pip install failed: {why}"
    return python, note + " with langgraph-checkpoint-postgres"


def _ensure_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _run_side(python: str, side: str, workload: str, durability: str, db: str,
              args: argparse.Namespace, with_bytes: bool) -> dict[str, Any]:  # fmt: skip
    cmd = [python, "-m", "tests.bench.bench_pg", "--side", side, "--db", db,
           "--workload", workload, "--durability", durability,
           "--warmup", str(args.warmup), "--repeats", str(args.repeats)]  # fmt: skip
    if with_bytes:
        cmd.append("--bytes")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = "\n".join(done.stderr.strip().splitlines()[-15:]) or "no output"
        return {"error": f"{side} exit {done.returncode}:\n{tail}"}


def _pool(parts: list[dict[str, Any]]) -> dict[str, Any]:
    for part in parts:
        if "error" in part:
            return part
    times = [t for p in parts for t in p["times_ms"]]
    steps = parts[-1]["steps"]
    out = {"runs": len(times), "median_ms": statistics.median(times), "steps": steps}
    out["per_step_ms"] = out["median_ms"] / steps
    out["min_per_step_ms"] = min(times) / steps
    sized = [p["bytes"] for p in parts if "bytes" in p]
    if sized:
        out["bytes"] = sized[-1]
    return out


def _fmt_table(head: tuple[str, ...], body: list[tuple[str, ...]]) -> str:
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join(
        [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
        + [fmt.format(*row) for row in body]
    )


def report(rows: list[dict[str, Any]]) -> str:
    """The time table and the storage table, as text."""
    time_body = []
    for r in rows:
        ours, theirs = r["runtime"], r["langgraph"] or {}
        ratio = r.get("ratio")
        time_body.append(
            (
                r["workload"],
                r["durability"],
                f"{ours['per_step_ms']:.3f}" if "per_step_ms" in ours else "ERROR",
                f"{ours['min_per_step_ms']:.3f}" if "per_step_ms" in ours else "-",
                f"{theirs['per_step_ms']:.3f}" if "per_step_ms" in theirs else "-",
                f"{theirs['min_per_step_ms']:.3f}" if "per_step_ms" in theirs else "-",
                "-" if ratio is None else f"{ratio:.3f}",
                "-" if ratio is None else ("met" if ratio <= TIME_TARGET else "MISSED"),
            )
        )
    head = ("workload", "durability", "ours ms/step", "ours min", "PostgresSaver ms/step",
            "PG min", "ratio (median)", f"<= {TIME_TARGET}")  # fmt: skip
    text = _fmt_table(head, time_body)
    size_body = []
    for r in rows:
        ours, theirs = r["runtime"].get("bytes"), (r["langgraph"] or {}).get("bytes")
        if not ours:
            continue
        for key in ("disk", "logical"):
            ratio = ours[key] / theirs[key] if theirs else None
            verdict = "-" if ratio is None or key != "disk" else (
                "met" if ratio <= BYTES_TARGET else "MISSED")  # fmt: skip
            size_body.append(
                (
                    r["workload"],
                    r["durability"],
                    key,
                    f"{ours[key]:,}",
                    f"{theirs[key]:,}" if theirs else "-",
                    "-" if ratio is None else f"{ratio:.3f}",
                    verdict,
                )
            )
    if size_body:
        head = ("after one", "durability", "bytes", "ours", "PostgresSaver", "ratio",
                f"disk <= {BYTES_TARGET}")  # fmt: skip
        text += "\n\ncheckpoint tables after one run on emptied tables\n"
        text += _fmt_table(head, size_body)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_pg")
    parser.add_argument("--side", choices=("runtime", "langgraph"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--workload", choices=("loop200", "wide50"), help=argparse.SUPPRESS)
    parser.add_argument("--durability", choices=("sync", "async"), help=argparse.SUPPRESS)
    parser.add_argument("--bytes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG),
                        help="server URL, without a database name")  # fmt: skip
    parser.add_argument("--only", action="append", choices=("loop200", "wide50"))
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side per round")
    parser.add_argument("--no-langgraph", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    if args.side:
        if args.side == "langgraph":
            from tests.bench.workloads import _BlockProjectImports

            sys.meta_path.insert(0, _BlockProjectImports())
        print(json.dumps(_side(args)))
        return 0

    lg_python, note = (None, "PostgresSaver side skipped: --no-langgraph")
    if not args.no_langgraph:
        lg_python, note = _lg_python()
    print(note, flush=True)
    our_db = _ensure_database(args.pg, OUR_DB)
    their_db = _ensure_database(args.pg, THEIR_DB)
    print(f"ours: {our_db}; PostgresSaver: {their_db}; {args.rounds} alternating rounds "
          f"per side, each {args.warmup} warm-up(s) + {args.repeats} timed runs\n",
          flush=True)  # fmt: skip
    rows = []
    for workload, durability in CASES:
        if args.only and workload not in args.only:
            continue
        ours, theirs = [], []
        for i in range(args.rounds):
            with_bytes = workload == "loop200" and i == args.rounds - 1
            ours.append(_run_side(sys.executable, "runtime", workload, durability, our_db,
                                  args, with_bytes))  # fmt: skip
            if lg_python:
                theirs.append(_run_side(lg_python, "langgraph", workload, durability,
                                        their_db, args, with_bytes))  # fmt: skip
        row = {"workload": workload, "durability": durability, "runtime": _pool(ours),
               "langgraph": _pool(theirs) if lg_python else None}  # fmt: skip
        for side in (row["runtime"], row["langgraph"] or {}):
            if "error" in side:
                print(side["error"], flush=True)
        if "per_step_ms" in row["runtime"] and "per_step_ms" in (row["langgraph"] or {}):
            row["ratio"] = row["runtime"]["per_step_ms"] / row["langgraph"]["per_step_ms"]
        rows.append(row)
        print(f"{workload}/{durability} done", flush=True)
    print()
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    failed = any("error" in r["runtime"] or "error" in (r["langgraph"] or {}) for r in rows)
    missed = any(r.get("ratio", 0) > TIME_TARGET for r in rows) or any(
        r["runtime"].get("bytes", {}).get("disk", 0)
        > BYTES_TARGET * (r["langgraph"] or {}).get("bytes", {}).get("disk", float("inf"))
        for r in rows
    )
    if failed:
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
