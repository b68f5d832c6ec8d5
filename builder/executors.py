"""Where runs execute: ``dispatch(run_id)`` hands a run to the configured executor.

- ``inline`` (default): a bounded thread pool inside the web process. No extra process
  to run; a sweeper thread re-dispatches runs whose heartbeat stopped (the process was
  restarted mid-run) so they continue from their last checkpoint.
- ``celery``: the ``builder.execute_run`` task on the broker (acks late, requeued when
  the worker is lost); ``builder.sweep_runs`` (celery beat) plays the sweeper's part.
- ``sync``: runs in the caller's thread: for tests and command-line scripts.

Dispatch is always safe to repeat: ``execute_run`` claims the run in the database first
and does nothing when it is finished, running elsewhere or queued behind another run.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


class Executor(Protocol):
    def submit(self, run_id: str) -> None: ...


def _execute(run_id: str) -> None:
    from builder.services.execution import execute_run

    close_old_connections()
    try:
        execute_run(run_id)
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
        from builder.services.runs import runs_resume_stale

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
        from builder.tasks import execute_run

        execute_run.delay(run_id)


class SyncExecutor:
    """Executes in the calling thread (after the caller's commit)."""

    def submit(self, run_id: str) -> None:
        from builder.services.execution import execute_run

        execute_run(run_id)


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
            from builder.tasks import execute_run

            execute_run.apply_async((str(run_id),), countdown=delay)
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
            from builder.tasks import deliver_webhook

            deliver_webhook.delay(url, payload)
            return
        with _executors_lock:
            if _webhook_pool is None:
                _webhook_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="webhook")
        _webhook_pool.submit(_deliver, url, payload)
    except Exception:
        logger.exception("dispatching the webhook of run %s failed", payload.get("run_id"))


def _deliver(url: str, payload: dict[str, Any]) -> None:
    from builder.services.webhooks import webhook_deliver

    webhook_deliver(url, payload)
