"""Where runs execute: ``dispatch(run_id)`` hands a run to the configured executor.

- ``inline`` (default): a bounded thread pool inside the web process. No extra process
  to run; a sweeper thread re-dispatches runs whose heartbeat stopped (the process was
  restarted mid-run) so they continue from their last checkpoint.
- ``celery``: the ``builder.execute_run`` task on the broker (acks late, requeued when
  the worker is lost); ``builder.sweep_runs`` (celery beat) plays the sweeper's part.
  Tasks are sent by name, so this module does not import ``builder.tasks``.
- ``sync``: runs in the caller's thread: for tests and command-line scripts.

Dispatch is always safe to repeat: ``execute_run`` claims the run in the database first
and does nothing when it is finished, running elsewhere or queued behind another run.

The run body (``builder.execution.driver.execute_run``) registers itself here when the
package is imported: finishing a run dispatches the next one, so the body and the
dispatcher call each other, and the registration keeps their imports one-way.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q
from django.utils import timezone

from builder.execution.webhooks import webhook_deliver
from builder.models import Run, RunStatus

logger = logging.getLogger(__name__)

RunBody = Callable[[str], Any]


def _send_task(name: str, args: tuple[Any, ...], **options: Any) -> None:
    """Send a Celery task by name. Celery is imported on first use, not with this module:
    processes that never use the celery executor (the embedded set-up, management
    commands) do not pay for it."""
    from builder.celery import app

    app.send_task(name, args, **options)


_run_body: RunBody | None = None


def register_run_body(body: RunBody) -> None:
    """Name the function that executes a run (called once, by the driver module)."""
    global _run_body
    _run_body = body


def _body() -> RunBody:
    if _run_body is None:
        raise RuntimeError("no run body registered: import builder.execution first")
    return _run_body


class Executor(Protocol):
    def submit(self, run_id: str) -> None: ...


def _execute(run_id: str) -> None:
    close_old_connections()
    try:
        _body()(run_id)
    except Exception:
        logger.exception("run %s: execution failed outside the run body", run_id)
    finally:
        # Pool threads live on: do not keep a connection per idle thread.
        connections.close_all()


class InlineExecutor:
    """A bounded pool of threads in this process."""

    def __init__(self, workers: int, sweep_seconds: float) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="switchyard-run")
        self._sweep_seconds = sweep_seconds
        self._sweeper: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, run_id: str) -> None:
        self.start_sweeper()
        self._pool.submit(_execute, run_id)

    def start_sweeper(self) -> None:
        """Start the sweeper thread once (the ASGI app calls this at start-up so runs
        orphaned by a restart are picked up without waiting for a new dispatch)."""
        if self._sweep_seconds <= 0 or self._sweeper is not None:
            return
        with self._lock:
            if self._sweeper is None:
                self._sweeper = threading.Thread(
                    target=self._sweep_forever, name="switchyard-sweeper", daemon=True
                )
                self._sweeper.start()

    def _sweep_forever(self) -> None:
        stop = threading.Event()
        while not stop.wait(self._sweep_seconds):
            close_old_connections()
            try:
                runs_resume_stale()
            except Exception:
                logger.exception("sweeping stale runs failed")
            finally:
                connections.close_all()


class CeleryExecutor:
    """Sends the run id to the Celery broker."""

    def submit(self, run_id: str) -> None:
        _send_task("builder.execute_run", (run_id,))


class SyncExecutor:
    """Executes in the calling thread (after the caller's commit)."""

    def submit(self, run_id: str) -> None:
        _body()(run_id)


_executors: dict[str, Executor] = {}
_executors_lock = threading.Lock()


def get_executor(name: str | None = None) -> Executor:
    """The executor named by ``RUN_EXECUTOR`` (one instance per process)."""
    name = name or settings.BUILDER["RUN_EXECUTOR"]
    with _executors_lock:
        if name not in _executors:
            if name == "inline":
                _executors[name] = InlineExecutor(
                    workers=int(settings.BUILDER["INLINE_WORKERS"]),
                    sweep_seconds=float(settings.BUILDER["SWEEP_SECONDS"]),
                )
            elif name == "celery":
                _executors[name] = CeleryExecutor()
            elif name == "sync":
                _executors[name] = SyncExecutor()
            else:
                raise ValueError(f"RUN_EXECUTOR must be inline, celery or sync, not {name!r}")
        return _executors[name]


def dispatch(run_id: Any, *, delay: float = 0) -> None:
    """Hand ``run_id`` to the executor, ``delay`` seconds from now (``after_seconds``).
    Call after commit (services use on_commit)."""
    name = settings.BUILDER["RUN_EXECUTOR"]
    try:
        if delay > 0 and name == "celery":
            _send_task("builder.execute_run", (str(run_id),), countdown=delay)
        elif delay > 0:
            # A timer in this process; if the process stops first, the run stays pending
            # and the sweeper dispatches it once its start time is past.
            timer = threading.Timer(delay, dispatch, args=(run_id,))
            timer.daemon = True
            timer.start()
        else:
            get_executor(name).submit(str(run_id))
    except Exception:
        # The run stays pending; the sweeper dispatches it again later.
        logger.exception("dispatching run %s failed", run_id)


_webhook_pool: ThreadPoolExecutor | None = None


def dispatch_webhook(url: str, payload: dict[str, Any]) -> None:
    """Deliver a finished run's webhook off the caller's thread: a Celery task with the
    Celery executor, else a small pool of this process (retries sleep there)."""
    global _webhook_pool
    try:
        if settings.BUILDER["RUN_EXECUTOR"] == "celery":
            _send_task("builder.deliver_webhook", (url, payload))
            return
        with _executors_lock:
            if _webhook_pool is None:
                _webhook_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="webhook")
        _webhook_pool.submit(webhook_deliver, url, payload)
    except Exception:
        logger.exception("dispatching the webhook of run %s failed", payload.get("run_id"))


def stale_before() -> dt.datetime:
    """Heartbeats older than this mean the run's worker died (or hangs)."""
    return timezone.now() - dt.timedelta(seconds=settings.BUILDER["HEARTBEAT_STALE_SECONDS"])


def runs_stale() -> list[Any]:
    """Ids of running runs whose worker stopped heartbeating (it died or hangs), and of
    pending runs nobody picked up (a lost dispatch, a broker that was down)."""
    limit = stale_before()
    return list(
        Run.objects.filter(
            Q(status=RunStatus.RUNNING, heartbeat_at__lt=limit)
            # A delayed run (after_seconds) is only overdue once its start time is past.
            | Q(status=RunStatus.PENDING, created_at__lt=limit, start_after__isnull=True)
            | Q(status=RunStatus.PENDING, start_after__lt=limit)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def runs_resume_stale() -> list[Any]:
    """Dispatch every stale run again (the sweeper): the claim takes it over."""
    stale = runs_stale()
    for run_id in stale:
        dispatch(run_id)
    return stale
