"""SSE bench: time to the first event and events per second of a streaming run.

``python -m tests.bench.bench_sse`` (``make bench``). Not a pytest test.

A real daphne serves ``builder.asgi`` (runs executed in the server process, the
``inline`` executor) over a throwaway SQLite database unless ``DATABASE_URL`` is set. The
bench creates a user with an API key, seeds the demo graphs and publishes two graphs of
its own, then streams ``POST /api/threads/{id}/runs/stream`` with httpx, as the
langgraph_sdk client does:

- ``tokens``: one ``llm`` node on the fake provider whose scripted reply has ``--tokens``
  words, stream mode ``messages-tuple``: one event per token;
- ``chain``: ``--nodes`` transform nodes in a row, stream mode ``updates``: one event
  per node.

Measured per case: time from sending the request to the first SSE event (the run's
``metadata``) and to the first event of the run itself, median over ``--runs`` runs (each on
a new thread), and events per second from the first event to the stream's close (it has
no closing event, as LangGraph Server's), median over the same runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def tokens_spec(words: int) -> dict[str, Any]:
    """An llm node whose fake reply streams ``words`` tokens."""
    reply = " ".join(f"word{i}" for i in range(words))
    return {
        "spec_version": 1,
        "name": "bench-tokens",
        "state": {
            "fields": [
                {"name": "messages", "type": "messages", "reducer": "messages", "default": []}
            ]
        },
        "nodes": [
            {
                "id": "llm",
                "kind": "llm",
                "label": "LLM",
                "config": {"fake_replies": [{"content": reply}]},
                "position": {"x": 0, "y": 0},
            }
        ],
        "edges": [
            {"id": "e0", "source": "__start__", "target": "llm"},
            {"id": "e1", "source": "llm", "target": "__end__"},
        ],
        "routes": [],
    }


def chain_spec(nodes: int) -> dict[str, Any]:
    """``nodes`` transform nodes in a row, each adding one to ``count``."""
    ids = [f"n{i}" for i in range(nodes)]
    return {
        "spec_version": 1,
        "name": "bench-chain",
        "state": {"fields": [{"name": "count", "type": "integer", "default": 0}]},
        "nodes": [
            {
                "id": node_id,
                "kind": "transform",
                "label": node_id,
                "config": {"set": [{"field": "count", "expression": "state.count + 1"}]},
                "position": {"x": i * 10, "y": 0},
            }
            for i, node_id in enumerate(ids)
        ],
        "edges": [
            {"id": f"e{i}", "source": a, "target": b}
            for i, (a, b) in enumerate(zip(["__start__", *ids], [*ids, "__end__"], strict=True))
        ],
        "routes": [],
    }


# --- set-up ---------------------------------------------------------------------------------


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _setup(env: dict[str, str], args: argparse.Namespace) -> str:
    """Migrate, seed the demo, publish the bench graphs; the demo user's API key."""
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from builder.models import Graph, Workspace
    from builder.services.graphs import graph_import

    user = get_user_model().objects.get(username="demo")
    workspace = Workspace.objects.get(slug="demo")
    for slug, spec in (("bench-tokens", tokens_spec(args.tokens)),
                       ("bench-chain", chain_spec(args.nodes))):  # fmt: skip
        Graph.objects.filter(workspace=workspace, slug=slug).delete()
        graph_import(workspace=workspace, spec=spec, slug=slug, user=user, publish=True)
    return _manage(env, "createapikey", "demo", "--name", "bench-sse").strip().splitlines()[-1]


# --- the measured client ----------------------------------------------------------------


def stream_once(http: Any, assistant: str, body: dict[str, Any]) -> dict[str, Any]:
    """One streamed run on a new thread: timings and event counts."""
    tid = http.post("/threads", json={}).json()["thread_id"]
    payload = {"assistant_id": assistant, **body}
    events: list[tuple[float, str]] = []
    start = time.perf_counter()
    with http.stream("POST", f"/threads/{tid}/runs/stream", json=payload) as response:
        response.raise_for_status()
        event = None
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line == "" and event is not None:
                events.append((time.perf_counter() - start, event))
                event = None
        closed = time.perf_counter() - start
    kinds = [k for _, k in events]
    if not events or kinds[0] != "metadata" or "error" in kinds:
        raise RuntimeError(f"stream of {assistant} did not end cleanly: {kinds[-5:]}")
    run_events = [(t, k) for t, k in events if k != "metadata"]
    first, last = events[0][0], closed
    return {
        "first_ms": first * 1000,
        "first_run_event_ms": run_events[0][0] * 1000 if run_events else None,
        "events": len(events),
        "run_events": len(run_events),
        "total_ms": last * 1000,
        "events_per_s": (len(events) - 1) / (last - first) if last > first else float("inf"),
    }


CASES = {
    "tokens": ("bench-tokens", {"input": {"messages": [{"role": "user", "content": "go"}]},
                                "stream_mode": ["messages-tuple"]}),
    "chain": ("bench-chain", {"input": {"count": 0}, "stream_mode": ["updates"],
                              "config": {"recursion_limit": 10_000}}),
}  # fmt: skip


def _table(rows: list[dict[str, Any]]) -> str:
    head = ("case", "runs", "events/run", "first event ms", "first run event ms", "events/s",
            "run ms")  # fmt: skip
    body = [
        (
            r["case"],
            str(r["runs"]),
            str(r["events"]),
            f"{r['first_ms']:.1f}",
            f"{r['first_run_event_ms']:.1f}",
            f"{r['events_per_s']:.0f}",
            f"{r['total_ms']:.0f}",
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths))] +
                     [fmt.format(*row) for row in body])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_sse")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (median)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=2000, help="words of the fake reply")
    parser.add_argument("--nodes", type=int, default=100, help="nodes of the chain")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    import httpx

    tmp = tempfile.mkdtemp(prefix="switchyard-bench-sse-")
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/db.sqlite3",
        "RUN_EXECUTOR": "inline",
        "CELERY_BROKER_URL": "",
        "SWEEP_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "builder.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    secret = _setup(env, args)
    port = free_port()
    log = open(os.path.join(tmp, "daphne.log"), "w")
    daphne = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "builder.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    rows = []
    try:
        wait_for_port(port, daphne, log=log.name)
        print(f"daphne on :{port} ({env['DATABASE_URL']}), inline executor; "
              f"{args.warmup} warm-up + {args.runs} runs per case, medians\n",
              flush=True)  # fmt: skip
        base = f"http://127.0.0.1:{port}/api"
        with httpx.Client(base_url=base, headers={"X-Api-Key": secret}, timeout=120) as http:
            for case, (assistant, body) in CASES.items():
                results = [stream_once(http, assistant, body)
                           for _ in range(args.warmup + args.runs)][args.warmup:]  # fmt: skip
                rows.append(
                    {
                        "case": case,
                        "runs": len(results),
                        "events": results[-1]["events"],
                        **{
                            key: statistics.median(r[key] for r in results)
                            for key in (
                                "first_ms",
                                "first_run_event_ms",
                                "events_per_s",
                                "total_ms",
                            )  # fmt: skip
                        },
                        "raw": results,
                    }
                )
    finally:
        daphne.send_signal(signal.SIGTERM)
        try:
            daphne.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daphne.kill()
        log.close()
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
