"""One run at a time per thread, across processes, enforced by the database.

Real processes against PostgreSQL: each one starts a run on the same thread at the same
instant and executes whatever it may. SQLite is skipped (one writer at a time makes the
question moot, and CI runs this on Postgres).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from builder import models as m
from builder.services.threads import thread_create
from tests.builder.conftest import GRAPHS_JSON, POSTGRES_ONLY, code_graph

pytestmark = [pytest.mark.postgres, POSTGRES_ONLY, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from builder.models import Run
from builder.models import Thread
from builder.services.errors import ThreadBusy
from builder.execution.driver import execute_run
from builder.services.runs import run_start

thread_id, start_at, strategy = sys.argv[1], float(sys.argv[2]), sys.argv[3]
attempts, n = Path(sys.argv[4]), int(sys.argv[5])
thread = Thread.objects.get(pk=thread_id)
while time.time() < start_at:
    pass
try:
    run = run_start(thread=thread, input={"go": True}, multitask_strategy=strategy)
except ThreadBusy:
    run = None
# Nobody executes before every process has tried to start: on a loaded machine one
# interpreter may start seconds after another, and a run that already finished would
# (rightly) let the late one start a second run.
(attempts / str(os.getpid())).touch()
deadline = time.time() + 60
while len(list(attempts.iterdir())) < n and time.time() < deadline:
    time.sleep(0.01)
if run is None:
    print("busy")
    sys.exit(0)
deadline = time.time() + 30
while Run.objects.get(pk=run.pk).status in ("pending", "running") and time.time() < deadline:
    execute_run(run.pk)  # idempotent: does nothing unless this run may execute now
    time.sleep(0.05)
print("ran", Run.objects.get(pk=run.pk).status)
"""


def _spawn(n: int, thread: m.Thread, strategy: str, intervals: Path) -> list[str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "builder.settings",
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "RUN_EXECUTOR": "sync",
        "SWEEP_SECONDS": "0",
        "CANCEL_POLL_SECONDS": "0.05",
        "FAKE_GRAPH_INTERVALS": str(intervals),
    }
    env.pop("REDIS_URL", None)
    start_at = time.time() + 2.0  # after every interpreter has started and set up Django
    attempts = intervals.parent / "attempts"
    attempts.mkdir()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(thread.pk),
                str(start_at),
                strategy,
                str(attempts),
                str(n),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def test_enqueued_runs_from_two_processes_never_execute_at_once(workspace, tmp_path):
    thread = thread_create(workspace=workspace, graph=code_graph(workspace, "paced"))
    intervals = tmp_path / "intervals.txt"
    outputs = _spawn(2, thread, "enqueue", intervals)
    assert sorted(outputs) == ["ran success", "ran success"]
    spans = sorted(
        (float(start), float(end))
        for _, start, end in (line.split() for line in intervals.read_text().splitlines())
    )
    assert len(spans) == 2
    (_, first_end), (second_start, _) = spans
    assert first_end <= second_start, f"runs overlapped: {spans}"
    runs = list(m.Run.objects.filter(thread=thread).order_by("started_at"))
    assert [r.status for r in runs] == ["success", "success"]
    assert runs[0].finished_at <= runs[1].started_at


def test_rejected_starts_from_two_processes_let_exactly_one_run(workspace, tmp_path):
    thread = thread_create(workspace=workspace, graph=code_graph(workspace, "paced"))
    outputs = _spawn(2, thread, "reject", tmp_path / "intervals.txt")
    assert sorted(outputs) == ["busy", "ran success"]
    assert m.Run.objects.filter(thread=thread).count() == 1
