"""Websocket fan-out bench: many viewers of one thread, real daphne, Redis channel layer.

``python -m tests.bench.bench_ws`` (or ``python -m tests.bench --ws``). Not a pytest test.

1. ``--viewers`` (200) sockets watch one thread, authenticated with an API key, served by
   one daphne process with the Redis channel layer.
2. This process publishes synthetic events through the real path (``events_record``:
   a RunEvent row, then the channel layer after commit) at ``--rate`` (50/s) for
   ``--seconds`` (40): one event per transaction, the worst case for the layer.
3. Each viewer checks it gets every event, in seq order, and measures publish->receipt
   latency (the event carries the publish time; all processes share one clock).
4. Then the rate is stepped up (x2 each step, 10 s each, events published in batches of
   rate/50 per transaction as the run driver does) until a step is not held: some viewer
   missed an event, or p99 latency went over ``--target-ms`` (100). When the base rate is
   not held, it is stepped down (/2) instead until a rate is.

The viewers run in a separate process (``--client``), so their JSON decoding does not
share an interpreter with the publisher; on a 2-core machine they still share the CPUs
with daphne, which is part of what is measured. Needs Redis (``--redis``); the database
is a throwaway SQLite file unless ``DATABASE_URL`` is set.
"""

from __future__ import annotations

import argparse
import asyncio
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


# --- the viewers (a subprocess) ------------------------------------------------------------


async def _viewer(url: str, secret: str, ready: asyncio.Event, out: dict[str, Any]) -> None:
    from websockets.asyncio.client import connect

    async with connect(
        url, additional_headers={"X-Api-Key": secret}, max_queue=None, open_timeout=60
    ) as ws:
        ready.set()
        last = None
        async for raw in ws:
            now = time.time()
            msg = json.loads(raw)
            for event in msg["events"] if msg.get("type") == "batch" else [msg]:
                seq = event.get("seq")
                if seq is None:
                    continue  # presence
                data = event["data"]
                if last is not None and seq != last + 1:
                    out["errors"] += 1
                last = seq
                if data.get("stop"):
                    return
                out["count"] += 1
                out["lat"].append(now - data["t"])


async def _clients(url: str, secret: str, out_path: str, viewers: int) -> None:
    outs = [{"count": 0, "errors": 0, "lat": []} for _ in range(viewers)]
    readies = [asyncio.Event() for _ in range(viewers)]
    tasks = []
    for i in range(viewers):
        tasks.append(asyncio.create_task(_viewer(url, secret, readies[i], outs[i])))
        if i % 10 == 9:
            await asyncio.sleep(0.1)  # do not stampede the handshake
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    await asyncio.sleep(1.0)  # let presence settle
    print("READY", flush=True)
    await asyncio.gather(*tasks)
    result = {
        "counts": [o["count"] for o in outs],
        "errors": sum(o["errors"] for o in outs),
        "lat": [x for o in outs for x in o["lat"]],
    }
    Path(out_path).write_text(json.dumps(result))


def _summary(parts: list[dict[str, Any]]) -> dict[str, Any]:
    counts = [c for p in parts for c in p["counts"]]
    lat = sorted(x for p in parts for x in p["lat"])
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0.0] * 99
    return {
        "received_min": min(counts),
        "received_max": max(counts),
        "order_errors": sum(p["errors"] for p in parts),
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "max_ms": (lat[-1] if lat else 0.0) * 1000,
    }


# --- the publisher and the orchestration ---------------------------------------------------


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fixtures() -> tuple[str, str]:
    """A workspace, a viewer with an API key, a thread: (thread id, key)."""
    from django.contrib.auth import get_user_model

    from builder import models as m
    from builder.services.apikeys import apikey_create
    from builder.services.threads import thread_create

    user, _ = get_user_model().objects.get_or_create(username="bench-viewer")
    ws, _ = m.Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    m.Membership.objects.get_or_create(user=user, workspace=ws, defaults={"role": "viewer"})
    thread = thread_create(workspace=ws)
    _, secret = apikey_create(user=user, name="bench")
    return str(thread.pk), secret


def _publish(thread_id: str, phase: str, rate: float, seconds: float) -> int:
    """Publish ``rate`` events/s for ``seconds``; returns how many were published."""
    from builder.eventlog import events_record

    per_batch = max(1, round(rate / 50))
    interval = per_batch / rate
    total = int(rate * seconds)
    sent = 0
    start = time.perf_counter()
    while sent < total:
        due = start + (sent // per_batch) * interval
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        k = min(per_batch, total - sent)
        now = time.time()
        events_record(thread_id, None, [("custom", {"phase": phase, "t": now})] * k)
        sent += k
    return sent


def _phase(
    args: argparse.Namespace, env: dict[str, str], url: str, secret: str, thread_id: str,
    rate: float, seconds: float,
) -> dict[str, Any]:  # fmt: skip
    from builder.eventlog import event_record
    from builder.models import Thread

    # Viewers start after the events of earlier phases (as a reconnecting browser does).
    last = Thread.objects.filter(pk=thread_id).values_list("next_event_seq", flat=True).get() - 1
    url += ("&" if "?" in url else "?") + f"after_seq={last}"
    # The viewers are spread over processes so that their websocket parsing can use
    # more than one core (it would otherwise be what is measured).
    clients, files = [], []
    share = [args.viewers // args.client_procs + (i < args.viewers % args.client_procs)
             for i in range(args.client_procs)]  # fmt: skip
    for i, n in enumerate(share):
        files.append(Path(tempfile.mkdtemp()) / f"viewers-{i}.json")
        clients.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.bench.bench_ws",
                    "--client",
                    url,
                    secret,
                    str(files[-1]),
                    "--viewers",
                    str(n),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        )
    for client in clients:
        assert client.stdout is not None
        line = client.stdout.readline().strip()
        if line != "READY":
            for c in clients:
                c.kill()
            raise RuntimeError(f"viewers did not connect: {line!r}")
    t0 = time.perf_counter()
    sent = _publish(thread_id, f"{rate:g}", rate, seconds)
    elapsed = time.perf_counter() - t0
    time.sleep(1.0)
    event_record(thread_id, None, "custom", {"stop": True})
    for client in clients:
        client.wait(timeout=300)
    result = _summary([json.loads(f.read_text()) for f in files])
    result.update(rate=rate, seconds=seconds, sent=sent, achieved=sent / elapsed)
    result["held"] = (
        result["received_min"] == sent
        and result["order_errors"] == 0
        and result["p99_ms"] < args.target_ms
    )
    return result


def _table(rows: list[dict[str, Any]], viewers: int) -> str:
    head = ("rate/s", "achieved/s", "secs", "events", "viewers", "all got all", "in order",
            "p50 ms", "p99 ms", "max ms", "held")  # fmt: skip
    body = [
        (
            f"{r['rate']:g}",
            f"{r['achieved']:.0f}",
            f"{r['seconds']:g}",
            str(r["sent"]),
            str(viewers),
            "yes" if r["received_min"] == r["sent"] else f"no (min {r['received_min']})",
            "yes" if r["order_errors"] == 0 else f"no ({r['order_errors']})",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            f"{r['max_ms']:.1f}",
            "yes" if r["held"] else "NO",
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths))] +
                     [fmt.format(*row) for row in body])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_ws")
    parser.add_argument("--client", nargs=3, metavar=("URL", "KEY", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--batch", action="store_true", help="viewers connect with ?batch=1")
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--max-rate", type=float, default=3200.0)
    parser.add_argument("--min-rate", type=float, default=3.0)
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
    )
    args = parser.parse_args(argv)
    if args.client:
        asyncio.run(_clients(*args.client, viewers=args.viewers))
        return 0

    tmp = tempfile.mkdtemp(prefix="switchyard-bench-ws-")
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/db.sqlite3",
        "REDIS_URL": args.redis,
        "RUN_EXECUTOR": "inline",
        "SWEEP_SECONDS": "0",
        "DEBUG": "1",
        "PYTHONPATH": str(ROOT),
    }
    _setup_django(env)
    import redis

    redis.Redis.from_url(args.redis).flushdb()  # a private db: stale groups skew results
    thread_id, secret = _fixtures()
    port = free_port()
    daphne = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "--websocket_connect_timeout", "60", "builder.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "daphne.log"), "w"),
    )  # fmt: skip
    rows: list[dict[str, Any]] = []
    try:
        wait_for_port(port, daphne)
        url = f"ws://127.0.0.1:{port}/ws/threads/{thread_id}/" + ("?batch=1" if args.batch else "")
        print(f"{args.viewers} viewers{' (?batch=1)' if args.batch else ''}, daphne + Redis layer ({args.redis}); "
              f"{args.rate:g} events/s for {args.seconds:g} s, then x2 steps of "
              f"{args.step_seconds:g} s until p99 > {args.target_ms:g} ms or a loss",
              flush=True)  # fmt: skip
        rows.append(_phase(args, env, url, secret, thread_id, args.rate, args.seconds))
        print(_table(rows[-1:], args.viewers).splitlines()[-1], flush=True)
        # Step up while the rate is held; if the base rate is not, step down to find
        # the highest rate that is.
        factor = 2.0 if rows[-1]["held"] else 0.5
        rate = args.rate * factor
        while args.min_rate <= rate <= args.max_rate:
            rows.append(_phase(args, env, url, secret, thread_id, rate, args.step_seconds))
            print(_table(rows[-1:], args.viewers).splitlines()[-1], flush=True)
            if rows[-1]["held"] != (factor > 1):
                break
            rate *= factor
    finally:
        daphne.send_signal(signal.SIGTERM)
        try:
            daphne.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daphne.kill()
    print()
    print(_table(rows, args.viewers))
    held = [r["rate"] for r in rows if r["held"]]
    print(f"\nhighest rate held at {args.viewers} viewers: {max(held):g} events/s" if held
          else "\nno rate held")  # fmt: skip
    return 0 if rows and rows[0]["held"] else 1


if __name__ == "__main__":
    sys.exit(main())
