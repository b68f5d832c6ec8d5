"""A run's life on the worker side: claim, heartbeat, finish (and the next run after it).

One run at a time per thread is enforced by the database, not by the process:
``run_claim`` moves a run from pending to running holding the thread row's lock
(``SELECT ... FOR UPDATE`` on Postgres; SQLite serialises writers), and a partial unique
index (``run_one_running_per_thread``) refuses a second running run outright. Whenever a
run finishes, the oldest pending run of the thread is dispatched after commit.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from builder.checkpointer import DjangoCheckpointer
from builder.eventlog import event_record

# The module, not its functions: tests replace dispatch.dispatch to watch what is dispatched.
from builder.execution import dispatch as dispatching
from builder.execution.webhooks import webhook_payload
from builder.models import (
    ACTIVE_RUN_STATUSES,
    FINISHED_RUN_STATUSES,
    Checkpoint,
    Run,
    RunEvent,
    RunStatus,
    Thread,
    ThreadStatus,
)

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """This process as a run owner. Computed on each call, not at import: Celery's
    prefork children inherit imported modules from the parent, and each child must be
    a distinct owner."""
    return f"{socket.gethostname()}:{os.getpid()}"


_THREAD_STATUS_AFTER = {
    RunStatus.SUCCESS: ThreadStatus.IDLE,
    RunStatus.CANCELLED: ThreadStatus.IDLE,
    RunStatus.INTERRUPTED: ThreadStatus.INTERRUPTED,
    RunStatus.ERROR: ThreadStatus.ERROR,
    RunStatus.TIMEOUT: ThreadStatus.ERROR,
}
_FINISH_EVENT = {
    RunStatus.SUCCESS: "run.finished",
    RunStatus.INTERRUPTED: "run.finished",
    RunStatus.CANCELLED: "run.cancelled",
    RunStatus.ERROR: "run.failed",
    RunStatus.TIMEOUT: "run.failed",
}


def lock_thread(thread_id: Any) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread_id)


def dispatch_on_commit(run_id: Any, delay: float = 0) -> None:
    if delay:
        transaction.on_commit(lambda: dispatching.dispatch(run_id, delay=delay))
    else:
        transaction.on_commit(lambda: dispatching.dispatch(run_id))


def run_claim(run_id: Any, *, worker: str | None = None) -> Run | None:
    """Take ``run_id`` for execution, or return None when it must not run here now.

    Idempotent: a finished run, a run another worker is heartbeating, a run queued behind
    another, all return None. A running run whose heartbeat is stale (its worker died) is
    taken over: ``attempt`` grows and execution resumes from the last checkpoint.
    """
    worker = worker or worker_name()
    with transaction.atomic():
        try:
            run = Run.objects.select_related("thread").get(pk=run_id)
            lock_thread(run.thread_id)
            run.refresh_from_db()
        except (Run.DoesNotExist, Thread.DoesNotExist):
            return None
        now = timezone.now()
        if run.status in FINISHED_RUN_STATUSES:
            return None
        if (
            run.status == RunStatus.RUNNING
            and run.heartbeat_at
            and run.heartbeat_at >= dispatching.stale_before()
        ):
            return None
        if run.cancel_requested_at:
            finish_locked(run, RunStatus.CANCELLED, error=None)
            return None
        if run.status == RunStatus.PENDING and run.start_after and run.start_after > now:
            # after_seconds not over yet: the delayed dispatch (or the sweeper) comes back.
            return None
        if run.status == RunStatus.RUNNING:
            logger.warning("run %s: heartbeat stale (worker %s), taking over", run.pk, run.worker)
        elif _queued_behind_another(run):
            return None
        else:
            run.started_at = now
            run.start_checkpoint_id = _latest_checkpoint_id(run.thread_id)
        if not _mark_running(run, worker, now):
            return None
        event_record(
            run.thread_id,
            run.pk,
            "run.started",
            {"run_id": str(run.pk), "attempt": run.attempt, "worker": worker},
        )
    return run


def _queued_behind_another(run: Run) -> bool:
    """A pending run waits for the thread's running run and for older pending ones."""
    ahead = (
        Run.objects.filter(thread_id=run.thread_id, status__in=ACTIVE_RUN_STATUSES)
        .exclude(pk=run.pk)
        .order_by("created_at")
    )
    return any(r.status == RunStatus.RUNNING or r.created_at < run.created_at for r in ahead)


def _mark_running(run: Run, worker: str, now: Any) -> bool:
    """Save ``run`` as running on ``worker``; False when the database refuses a second
    running run on the thread (the partial unique index)."""
    run.status = RunStatus.RUNNING
    run.heartbeat_at = now
    run.attempt += 1
    run.worker = worker
    fields = ["status", "heartbeat_at", "attempt", "worker", "started_at", "start_checkpoint_id"]
    try:
        with transaction.atomic():
            run.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        return False
    return True


def _latest_checkpoint_id(thread_id: Any) -> str:
    latest = (
        Checkpoint.objects.filter(thread_id=str(thread_id), checkpoint_ns="")
        .order_by("-checkpoint_id")
        .values_list("checkpoint_id", flat=True)
        .first()
    )
    return latest or ""


def run_heartbeat(run_id: Any, *, worker: str | None = None, beat: bool = True) -> str | None:
    """Record that the worker is alive (when ``beat``); return why it must stop, or None.

    Returns ``"interrupt"``/``"rollback"`` when a cancel was requested and ``"lost"``
    when the run is gone or was taken over by another worker. Without ``beat`` only
    reads, so cancellation can be polled often while heartbeats are written rarely.
    """
    worker = worker or worker_name()
    if beat:
        Run.objects.filter(pk=run_id, status=RunStatus.RUNNING, worker=worker).update(
            heartbeat_at=timezone.now()
        )
    row = Run.objects.filter(pk=run_id).values("status", "worker", "cancel_requested_at").first()
    if row is None or row["status"] != RunStatus.RUNNING or row["worker"] != worker:
        return "lost"
    if row["cancel_requested_at"] is None:
        return None
    action = Run.objects.filter(pk=run_id).values_list("cancel_action", flat=True).first()
    return action or "interrupt"


def run_finish(
    run_id: Any,
    status: str,
    *,
    error: dict[str, Any] | None = None,
    values: Any = None,
    interrupts: dict[str, Any] | None = None,
    paused: bool = False,
    worker: str | None = None,
) -> Run | None:
    """Record the outcome of an execution and dispatch the thread's next pending run.

    ``values``, ``interrupts`` (pending interrupts by task id) and ``paused`` (nodes are
    left to run) describe the final state, when it was read. Ignored (returns None) when
    this worker no longer owns the run.
    """
    worker = worker or worker_name()
    with transaction.atomic():
        run = Run.objects.select_related("thread").filter(pk=run_id).first()
        if run is None:
            return None
        lock_thread(run.thread_id)
        run.refresh_from_db()
        if run.status != RunStatus.RUNNING or run.worker != worker:
            return None
        if run.cancel_requested_at and status not in (RunStatus.ERROR, RunStatus.TIMEOUT):
            status = RunStatus.CANCELLED
        return finish_locked(
            run, status, error=error, values=values, interrupts=interrupts, paused=paused
        )


def finish_locked(
    run: Run,
    status: str,
    *,
    error: dict[str, Any] | None,
    values: Any = None,
    interrupts: dict[str, Any] | None = None,
    paused: bool = False,
) -> Run:
    """With the thread locked: finish ``run``, update the thread, queue what comes next."""
    thread = Thread.objects.get(pk=run.thread_id)
    run_pk = run.pk
    rollback = status == RunStatus.CANCELLED and run.cancel_action == "rollback"
    if run.webhook and not rollback:
        _webhook_on_commit(run, status=status, error=error, values=values, thread=thread)
    if rollback:
        if run.start_checkpoint_id or run.status == RunStatus.RUNNING:
            _delete_checkpoints_after(str(thread.pk), run.start_checkpoint_id)
        # The run goes, its events stay: the thread's log is append-only and gapless, so
        # a client replaying after a seq (websocket after_seq, SSE Last-Event-ID) sees
        # what a client connected at the time saw. They become thread-level events
        # (run_id null), followed by run.cancelled with rolled_back.
        RunEvent.objects.filter(run_id=run_pk).update(run=None)
        run.delete()
    else:
        run.status = status
        run.error = error
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at", "updated_at"])
    data: dict[str, Any] = {"run_id": str(run_pk), "status": status}
    if error:
        data["error"] = error
    if rollback:
        data["rolled_back"] = True
    event_record(thread.pk, None if rollback else run_pk, _FINISH_EVENT[status], data)
    following = (
        Run.objects.filter(thread=thread, status__in=ACTIVE_RUN_STATUSES)
        .exclude(pk=run_pk)
        .order_by("created_at")
        .first()
    )
    thread.status = ThreadStatus.BUSY if following else _THREAD_STATUS_AFTER[status]
    if thread.status == ThreadStatus.IDLE and status == RunStatus.CANCELLED and paused:
        # LangGraph Server's rule: a thread whose last checkpoint has nodes to run is
        # interrupted, also when a cancel stopped the run there.
        thread.status = ThreadStatus.INTERRUPTED
    fields = ["status", "updated_at"]
    if values is not None:
        thread.values = values
        fields.append("values")
    if values is not None or thread.interrupts:
        # Answered or abandoned interrupts are no longer pending.
        thread.interrupts = interrupts or {}
        fields.append("interrupts")
    thread.save(update_fields=fields)
    if following is not None:
        dispatch_on_commit(following.pk)
    return run


def _webhook_on_commit(
    run: Run, *, status: str, error: dict[str, Any] | None, values: Any, thread: Thread
) -> None:
    """Send the final run payload to the run's webhook once the finish is committed (not
    for a rollback: the run is deleted, as if it never happened)."""
    payload = webhook_payload(
        run,
        status=status,
        error=error,
        values=values if values is not None else thread.values,
        finished_at=timezone.now(),
    )
    url = run.webhook
    transaction.on_commit(lambda: dispatching.dispatch_webhook(url, payload))


def _delete_checkpoints_after(thread_id: str, checkpoint_id: str) -> None:
    DjangoCheckpointer().delete_after(thread_id, checkpoint_id)
