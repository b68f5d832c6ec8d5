"""The live server's daphne dies with the test process that started it, even when that
process is killed with SIGKILL and runs no clean-up (needs no browser)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.orphan_guard import main as guard_main

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

# A stand-in for a test process: starts a LiveServer, says where it is, then waits.
TEST_PROCESS = """
import json, time
from tests.e2e.live import LiveServer
server = LiveServer(graphs_config=None)
server.start()
print(json.dumps({"pid": server.pid, "url": server.url, "folder": str(server.folder),
                  "database_url": server.database_url}), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    try:
        # A zombie (dead, waiting to be reaped by whoever adopted it) is gone too.
        return "\nState:\tZ" not in status.read_text()
    except FileNotFoundError:
        return not sys.platform.startswith("linux")


def _drop_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')  # type: ignore[arg-type]


def test_daphne_dies_with_a_sigkilled_test_process():
    process = subprocess.Popen(
        [sys.executable, "-c", TEST_PROCESS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    info: dict = {}
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line, process.stderr.read() if process.stderr else ""
        info = json.loads(line)
        daphne = info["pid"]
        assert _alive(daphne)
        urllib.request.urlopen(info["url"] + "/healthz", timeout=5).close()

        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(daphne) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(daphne), "daphne outlived the test process that started it"
        with pytest.raises(OSError):  # refused (or reset, if caught mid-exit)
            urllib.request.urlopen(info["url"] + "/healthz", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if info.get("pid") and _alive(info["pid"]):
            os.kill(info["pid"], signal.SIGKILL)
        if info.get("database_url"):
            _drop_database(info["database_url"])
        if info.get("folder"):
            shutil.rmtree(info["folder"], ignore_errors=True)


def test_a_guard_whose_parent_is_already_gone_exits_at_once():
    # The parent died between the fork and the guard: no death signal would come for it.
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "tests.e2e.orphan_guard", "1", "http.server", "0"],
        cwd=ROOT,
        timeout=30,
    )
    assert out.returncode == 1 and time.monotonic() - started < 10


def test_the_guard_says_how_to_call_it(capsys):
    with pytest.raises(SystemExit, match="usage: python -m tests.e2e.orphan_guard"):
        guard_main(["daphne"])
