"""End to end, real processes: daphne (Redis channel layer) + a Celery worker + a client.

A run started over the websocket is executed by the Celery worker; the events it records
travel worker -> Redis channel layer -> daphne's fan-out -> the `websockets` client.
Needs Redis and a test database on disk (Postgres, or the SQLite file); ~10-20 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from builder import models as m
from builder.services.apikeys import apikey_create
from tests.builder.ws.conftest import GRAPHS_JSON, make_thread
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[3]
REDIS = os.environ.get("WS_TEST_REDIS_URL", "redis://127.0.0.1:6379")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def live_stack(people):
    """daphne on a free port and a Celery worker on a private queue, sharing the test DB."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    elif "memory" not in str(db["NAME"]):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        pytest.skip("the test database is in memory: the processes cannot share it")
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS}")
    port = free_port()
    queue = f"ws-e2e-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"{REDIS}/2",
        "CELERY_BROKER_URL": f"{REDIS}/3",
        "CELERY_QUEUE": queue,
        "RUN_EXECUTOR": "celery",
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "SWEEP_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    daphne = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "builder.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "builder", "worker", "-Q", queue,
         "--concurrency=1", "--pool=solo", "--without-gossip", "--without-mingle",
         "--loglevel=warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert daphne.poll() is None, daphne.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "daphne did not start"
                time.sleep(0.2)
        yield {"port": port, "daphne": daphne, "worker": worker, **people}
    finally:
        _stop(worker)
        _stop(daphne)


async def _run_over_the_socket(url: str, secret: str, n: int) -> list[dict]:
    from websockets.asyncio.client import connect

    received: list[dict] = []
    async with connect(url, additional_headers={"X-Api-Key": secret}) as ws:
        presence = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert presence == {"type": "presence", "thread_id": url.split("/")[-2], "viewers": ["bob"]}
        request = {"action": "start_run", "input": {"n": n, "delay": 0.02}, "request_id": "go"}
        await ws.send(json.dumps(request))
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
            received.append(msg)
            if msg["type"] in ("run.finished", "run.failed"):
                return received


def test_events_from_a_celery_worker_reach_a_websocket_client(live_stack):
    thread = make_thread(live_stack["acme"], "ticker")
    _, secret = apikey_create(user=live_stack["bob"])
    url = f"ws://127.0.0.1:{live_stack['port']}/ws/threads/{thread.pk}/"
    n = 25
    received = asyncio.run(_run_over_the_socket(url, secret, n))

    ack = [r for r in received if r["type"] == "ack"]
    assert ack and ack[0]["request_id"] == "go"
    events = [r for r in received if "seq" in r]
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(seqs) + 1)), seqs  # in order, none lost, none twice
    ticks = [e["data"]["data"]["tick"] for e in events if e["type"] == "custom"]
    assert ticks == list(range(n))
    assert events[-1]["type"] == "run.finished" and events[-1]["data"]["status"] == "success"
    started = next(e for e in events if e["type"] == "run.started")
    # Executed by the worker process, not by the web process.
    assert not started["data"]["worker"].endswith(f":{live_stack['daphne'].pid}")
    assert m.Thread.objects.get(pk=thread.pk).values == {"ticks": n, "n": n, "delay": 0.02}
