"""A real daphne server on the test database, for tests that drive the API over HTTP
(langgraph_sdk clients, SSE reconnection, schemathesis)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[3]
GRAPHS_JSON = str(Path(__file__).parent / "graphs" / "graphs.json")


def database_url() -> str:
    """The URL of the database the tests use (pytest-django's test database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class LiveServer:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.api = url + "/api"
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


@pytest.fixture(scope="module")
def live_api(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any):
    """daphne serving builder.asgi on a free port, with the inline executor."""
    with django_db_blocker.unblock():
        db_url = database_url()
    yield from serve(db_url, tmp_path_factory, GRAPHS_JSON)


def serve(db_url: str, tmp_path_factory: Any, graphs_config: str, **extra_env: str):
    """Start daphne on the test database serving ``graphs_config``'s code graphs; yield
    the LiveServer, stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "RUN_EXECUTOR": "inline",
        "CELERY_BROKER_URL": "",
        "SWEEP_SECONDS": "0",
        "CANCEL_POLL_SECONDS": "0.05",
        "GRAPHS_CONFIG": graphs_config,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "builder.settings",
        # The webhook receivers of the tests listen on 127.0.0.1.
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "WEBHOOK_BACKOFF_SECONDS": "0.05",
        # Crons fire when a test says so (crons_fire_due with its own clock).
        "CRON_TICK_SECONDS": "0",
        **extra_env,
    }
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "builder.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(server.api + "/info", timeout=1)
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("daphne did not start:\n" + server.output()) from None
            time.sleep(0.2)
    yield server
    # Shown by pytest for failing tests of the module (captured output): the server's
    # tracebacks are where a 500 is explained.
    print("daphne log:\n" + server.output())
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
