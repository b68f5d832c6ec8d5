"""A worker killed mid-run (SIGKILL): the run is taken up again and continues from its
last checkpoint, without re-running the steps that had finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from builder import models as m
from builder.checkpointer import DjangoCheckpointer
from builder.execution.dispatch import runs_resume_stale
from builder.services.threads import thread_create
from tests.builder.conftest import GRAPHS_JSON, code_graph, fake_graph

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import sys
import django
django.setup()
from builder.models import Thread
from builder.services.runs import run_start
run_start(thread=Thread.objects.get(pk=sys.argv[1]), input={"go": True})
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _counts(thread: m.Thread) -> list[int]:
    saver = DjangoCheckpointer()
    history = saver.list({"configurable": {"thread_id": str(thread.pk), "checkpoint_ns": ""}})
    return [t.checkpoint.channel_values["count"] for t in history]


def test_a_sigkilled_worker_s_run_resumes_from_its_last_checkpoint(
    builder_settings, workspace, settings
):
    thread = thread_create(workspace=workspace, graph=code_graph(workspace, "killable"))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "builder.settings",
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "RUN_EXECUTOR": "sync",
        "SWEEP_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(thread.pk)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while len(_counts(thread)) < 5:
        assert worker.poll() is None, "the worker finished before it could be killed"
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    run = m.Run.objects.get(thread=thread)
    assert run.status == m.RunStatus.RUNNING and run.attempt == 1
    done_before_kill = max(_counts(thread))
    assert 5 <= done_before_kill < 30

    # The heartbeat stopped with the worker; the sweeper (here in this process) takes over.
    settings.BUILDER = {**settings.BUILDER, "HEARTBEAT_STALE_SECONDS": 0.2}
    time.sleep(0.3)
    inputs_before = len(fake_graph("killable").inputs)
    assert runs_resume_stale() == [run.pk]

    run.refresh_from_db()
    assert run.status == m.RunStatus.SUCCESS and run.attempt == 2
    assert fake_graph("killable").inputs[inputs_before:] == [None]  # resumed, not restarted
    counts = _counts(thread)
    assert sorted(counts) == list(range(1, 31)), "a finished step was executed again"
    started = m.RunEvent.objects.filter(thread=thread, type="run.started").order_by("seq")
    assert [e.payload["attempt"] for e in started] == [1, 2]
