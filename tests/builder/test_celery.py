"""The Celery executor with a real worker process on a Redis broker.

Skipped when no Redis answers (CI provides one: CELERY_TEST_BROKER_URL). Each test uses
its own queue so a worker started by someone else on the same broker takes nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from builder import models as m
from builder.checkpointer import DjangoCheckpointer
from builder.services.runs import run_start
from builder.services.threads import thread_create
from builder.tasks import execute_run
from tests.builder.conftest import GRAPHS_JSON, code_graph

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/1")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


def test_execute_run_task_acks_late_requeues_on_worker_loss_and_takes_ids():
    assert execute_run.name == "builder.execute_run"
    assert execute_run.acks_late is True
    assert execute_run.reject_on_worker_lost is True
    assert execute_run.ignore_result is True


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(builder_settings, transactional_db):
    """A real `celery worker` (prefork, one child) on a private queue."""
    if not _redis_up():
        pytest.skip(f"no Redis broker at {BROKER} (set CELERY_TEST_BROKER_URL)")
    from builder.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    old = app.conf.broker_url, app.conf.task_default_queue
    app.conf.broker_url, app.conf.task_default_queue = BROKER, queue
    builder_settings["RUN_EXECUTOR"] = "celery"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": queue,
        "RUN_EXECUTOR": "celery",
        "GRAPHS_CONFIG": GRAPHS_JSON,
        "HEARTBEAT_STALE_SECONDS": "1",
        "HEARTBEAT_SECONDS": "0.2",
        "CANCEL_POLL_SECONDS": "0.1",
    }
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "builder", "worker", "-Q", queue,
         "--concurrency=1", "--pool=prefork", "--without-gossip", "--without-mingle",
         "--loglevel=warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    yield worker
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)
    app.conf.broker_url, app.conf.task_default_queue = old


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.celery
@pytest.mark.slow
def test_a_run_executes_on_a_celery_worker(celery_worker, workspace):
    thread = thread_create(workspace=workspace, graph=code_graph(workspace, "counter"))
    run = run_start(thread=thread, input={"go": True})
    _wait_for(lambda: m.Run.objects.get(pk=run.pk).status == m.RunStatus.SUCCESS, 60, "the run")
    run.refresh_from_db()
    assert run.attempt == 1 and run.worker.endswith(tuple("0123456789"))
    assert m.Thread.objects.get(pk=thread.pk).values == {"count": 3}


@pytest.mark.celery
@pytest.mark.slow
def test_a_killed_worker_process_s_run_is_redelivered_and_resumed(celery_worker, workspace):
    thread = thread_create(workspace=workspace, graph=code_graph(workspace, "killable"))
    saver = DjangoCheckpointer()
    config = {"configurable": {"thread_id": str(thread.pk), "checkpoint_ns": ""}}
    run = run_start(thread=thread, input={"go": True})
    _wait_for(lambda: len(list(saver.list(config))) >= 5, 60, "progress")
    owner = m.Run.objects.get(pk=run.pk).worker
    child_pid = int(owner.rsplit(":", 1)[1])
    assert child_pid != celery_worker.pid  # the prefork child this test's worker started
    os.kill(child_pid, signal.SIGKILL)
    _wait_for(lambda: m.Run.objects.get(pk=run.pk).status == m.RunStatus.SUCCESS, 60, "resume")
    run.refresh_from_db()
    assert run.attempt == 2 and run.worker != owner
    counts = sorted(t.checkpoint.channel_values["count"] for t in saver.list(config))
    assert counts == list(range(1, 31)), "a finished step was executed again"


@pytest.mark.celery
@pytest.mark.slow
def test_a_delayed_run_waits_on_the_worker_then_runs_once(celery_worker, workspace):
    """after_seconds with the Celery executor: the task is sent with a countdown; the
    run stays pending until its start time, then executes exactly once."""
    graph = code_graph(workspace, "counter")
    # A first run shows the worker is up, so the delay below is the run's, not startup's.
    warm = run_start(thread=thread_create(workspace=workspace, graph=graph), input={"go": True})
    _wait_for(lambda: m.Run.objects.get(pk=warm.pk).status == m.RunStatus.SUCCESS, 60, "warm-up")

    thread = thread_create(workspace=workspace, graph=graph)
    sent = time.monotonic()
    run = run_start(thread=thread, input={"go": True}, after_seconds=1)
    assert run.start_after is not None
    assert 0.9 <= (run.start_after - run.created_at).total_seconds() <= 1.1
    while time.monotonic() - sent < 0.8:
        current = m.Run.objects.get(pk=run.pk)
        assert current.status == m.RunStatus.PENDING and current.started_at is None
        time.sleep(0.05)
    _wait_for(lambda: m.Run.objects.get(pk=run.pk).status == m.RunStatus.SUCCESS, 30, "the run")
    ran_after = time.monotonic() - sent
    run.refresh_from_db()
    assert run.started_at >= run.start_after
    assert ran_after < 10, "the delayed run should start about a second later"
    assert m.Thread.objects.get(pk=thread.pk).values == {"count": 3}

    # Exactly once: one attempt, one start, and nothing more after a while.
    time.sleep(1.5)
    run.refresh_from_db()
    assert run.attempt == 1 and run.status == m.RunStatus.SUCCESS
    started = m.RunEvent.objects.filter(run=run, type="run.started").count()
    finished = m.RunEvent.objects.filter(run=run, type="run.finished").count()
    assert (started, finished) == (1, 1)


@pytest.mark.celery
@pytest.mark.slow
def test_a_cron_fired_by_beat_runs_on_the_worker(celery_worker, workspace, user):
    """What celery beat sends for a cron (its PeriodicTask's task and args) starts the
    cron's run in the worker, which executes it there."""
    import json as _json

    from django_celery_beat.models import PeriodicTask

    from builder.celery import app
    from builder.services.api_assistants import assistant_default
    from builder.services.crons import cron_create

    assistant = assistant_default(graph=code_graph(workspace, "counter"))
    thread = thread_create(workspace=workspace, assistant=assistant)
    cron = cron_create(
        workspace=workspace,
        assistant=assistant,
        thread=thread,
        schedule="* * * * *",
        payload={"input": {"go": True}},
        user=user,
    )
    beat_entry = PeriodicTask.objects.get(pk=cron.periodic_task_id)
    app.send_task(beat_entry.task, args=_json.loads(beat_entry.args))
    _wait_for(lambda: thread.runs.filter(status=m.RunStatus.SUCCESS).exists(), 60, "the run")
    assert m.Thread.objects.get(pk=thread.pk).values == {"count": 3}
    assert thread.runs.get().metadata == {"cron_id": str(cron.pk)}
