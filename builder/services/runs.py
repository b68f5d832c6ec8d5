"""Run lifecycle: start (with multitask strategies), claim, heartbeat, finish, cancel.

One run at a time per thread is enforced by the database, not by the process:

- ``run_start`` locks the thread row (``SELECT ... FOR UPDATE`` on Postgres; SQLite runs
  every transaction with ``BEGIN IMMEDIATE``, which serialises writers) before looking
  for active runs, so two starts on one thread see each other;
- ``run_claim`` moves a run from pending to running under the same lock, and a partial
  unique index (``run_one_running_per_thread``) refuses a second running run outright.

Runs that wait (enqueue, or behind a run being interrupted) stay ``pending``; whenever a
run finishes, the oldest pending run of the thread is dispatched after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from builder.models import (
    ACTIVE_RUN_STATUSES,
    FINISHED_RUN_STATUSES,
    Assistant,
    GraphVersion,
    MultitaskStrategy,
    Run,
    RunEvent,
    RunStatus,
    Thread,
    ThreadStatus,
)
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput, ThreadBusy
from builder.services.events import event_record

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


def _lock_thread(thread_id: Any) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread_id)


def _dispatch_on_commit(run_id: Any, delay: float = 0) -> None:
    from builder.executors import dispatch

    if delay:
        transaction.on_commit(lambda: dispatch(run_id, delay=delay))
    else:
        transaction.on_commit(lambda: dispatch(run_id))


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.BUILDER["HEARTBEAT_STALE_SECONDS"])


def run_start(
    *,
    thread: Thread,
    assistant: Assistant | None = None,
    graph_version: GraphVersion | None = None,
    input: Any = None,
    command: dict[str, Any] | None = None,
    stream_mode: list[str] | str | None = None,
    config: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    multitask_strategy: str = MultitaskStrategy.REJECT,
    interrupt_before: list[str] | str | None = None,
    interrupt_after: list[str] | str | None = None,
    checkpoint_id: str = "",
    context: dict[str, Any] | None = None,
    webhook: str = "",
    after_seconds: float = 0,
    user: Any = None,
) -> Run:
    """Create a run on ``thread`` and dispatch it after commit.

    ``context`` reaches nodes as ``runtime.context``; ``webhook`` receives the final run
    payload once the run has finished; ``after_seconds`` keeps the run pending that long
    before it may start (it still counts as the thread's active run meanwhile).

    With another run active on the thread, ``multitask_strategy`` decides: ``reject``
    raises ThreadBusy; ``enqueue`` waits for it; ``interrupt`` stops it (keeping its
    checkpoints) and runs next; ``rollback`` stops it, deletes it and its checkpoints, and
    runs next.
    """
    if multitask_strategy not in MultitaskStrategy.values:
        raise InvalidInput(
            f"multitask_strategy must be one of {', '.join(MultitaskStrategy.values)}, "
            f"not {multitask_strategy!r}"
        )
    if input is not None and command is not None:
        raise InvalidInput("give either input or command, not both")
    if webhook:
        from builder.services.webhooks import webhook_check_url

        webhook_check_url(webhook)
    if after_seconds < 0:
        raise InvalidInput("after_seconds must not be negative")
    start_after = timezone.now() + dt.timedelta(seconds=after_seconds) if after_seconds else None
    modes = [stream_mode] if isinstance(stream_mode, str) else list(stream_mode or ["values"])
    if assistant is not None and assistant.workspace_id != thread.workspace_id:
        raise InvalidInput("the assistant belongs to another workspace than the thread")
    if graph_version is None and assistant is not None:
        graph_version = assistant.graph_version
    if graph_version is not None:
        graph_id = assistant.graph_id if assistant is not None else thread.graph_id
        if graph_id is not None and graph_version.graph_id != graph_id:
            raise InvalidInput(
                f"graph version {graph_version.pk} is not a version of the run's graph"
            )
    with transaction.atomic():
        locked = _lock_thread(thread.pk)
        active = list(
            Run.objects.filter(thread=locked, status__in=ACTIVE_RUN_STATUSES).order_by("created_at")
        )
        if active and multitask_strategy == MultitaskStrategy.REJECT:
            raise ThreadBusy(locked.pk, active[0].pk)
        if multitask_strategy in (MultitaskStrategy.INTERRUPT, MultitaskStrategy.ROLLBACK):
            for other in active:
                _request_cancel(other, action=multitask_strategy, user=user)
        run = Run.objects.create(
            thread=locked,
            assistant=assistant,
            graph_version=graph_version,
            input=input,
            command=command,
            stream_mode=modes,
            config=config or {},
            metadata=metadata or {},
            multitask_strategy=multitask_strategy,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            checkpoint_id=checkpoint_id or "",
            context=context,
            webhook=webhook or "",
            start_after=start_after,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        if locked.status != ThreadStatus.BUSY:
            locked.status = ThreadStatus.BUSY
            locked.save(update_fields=["status", "updated_at"])
        event_record(locked.pk, run.pk, "run.created", _run_summary(run))
        audit_record(
            workspace=locked.workspace_id,
            actor=user,
            thread=locked,
            action="run.started",
            detail={"run_id": str(run.pk), "multitask_strategy": multitask_strategy},
        )
        # Dispatching a run that must wait is harmless: the claim refuses it, and the
        # finishing run dispatches it again.
        _dispatch_on_commit(run.pk, delay=after_seconds)
    return run


def _run_summary(run: Run) -> dict[str, Any]:
    return {
        "run_id": str(run.pk),
        "status": run.status,
        "assistant_id": str(run.assistant_id) if run.assistant_id else None,
        "graph_version_id": run.graph_version_id,
        "multitask_strategy": run.multitask_strategy,
        "stream_mode": run.stream_mode,
    }


def _request_cancel(run: Run, *, action: str, user: Any) -> None:
    """Inside a transaction holding the thread lock: stop ``run``.

    A pending run is finished on the spot; a running one is flagged and its worker stops
    at its next poll (well within a second).
    """
    if run.status == RunStatus.PENDING:
        run.cancel_action = action
        run.cancel_requested_at = timezone.now()
        run.save(update_fields=["cancel_action", "cancel_requested_at", "updated_at"])
        _finish_locked(run, RunStatus.CANCELLED, error=None)
        return
    run.cancel_requested_at = timezone.now()
    run.cancel_action = action
    run.save(update_fields=["cancel_requested_at", "cancel_action", "updated_at"])
    audit_record(
        workspace=run.thread.workspace_id,
        actor=user,
        thread=run.thread,
        action="run.cancel_requested",
        detail={"run_id": str(run.pk), "action": action},
    )


def run_cancel(*, run: Run, user: Any = None, action: str = "interrupt") -> Run:
    """Cancel a run. ``action`` is ``interrupt`` (keep its checkpoints) or ``rollback``."""
    if action not in ("interrupt", "rollback"):
        raise InvalidInput("action must be 'interrupt' or 'rollback'")
    with transaction.atomic():
        _lock_thread(run.thread_id)
        locked = Run.objects.select_related("thread").get(pk=run.pk)
        if locked.status in ACTIVE_RUN_STATUSES:
            _request_cancel(locked, action=action, user=user)
    return locked


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
            _lock_thread(run.thread_id)
            run.refresh_from_db()
        except (Run.DoesNotExist, Thread.DoesNotExist):
            return None
        now = timezone.now()
        if run.status in FINISHED_RUN_STATUSES:
            return None
        if (
            run.status == RunStatus.RUNNING
            and run.heartbeat_at
            and run.heartbeat_at >= _stale_before()
        ):
            return None
        if run.cancel_requested_at:
            _finish_locked(run, RunStatus.CANCELLED, error=None)
            return None
        if run.status == RunStatus.PENDING and run.start_after and run.start_after > now:
            # after_seconds not over yet: the delayed dispatch (or the sweeper) comes back.
            return None
        if run.status == RunStatus.RUNNING:
            logger.warning("run %s: heartbeat stale (worker %s), taking over", run.pk, run.worker)
        else:
            ahead = (
                Run.objects.filter(thread_id=run.thread_id, status__in=ACTIVE_RUN_STATUSES)
                .exclude(pk=run.pk)
                .order_by("created_at")
            )
            blocking = [
                r for r in ahead if r.status == RunStatus.RUNNING or r.created_at < run.created_at
            ]
            if blocking:
                return None
            run.started_at = now
            run.start_checkpoint_id = _latest_checkpoint_id(run.thread_id)
        run.status = RunStatus.RUNNING
        run.heartbeat_at = now
        run.attempt += 1
        run.worker = worker
        try:
            with transaction.atomic():
                run.save(
                    update_fields=[
                        "status",
                        "heartbeat_at",
                        "attempt",
                        "worker",
                        "started_at",
                        "start_checkpoint_id",
                        "updated_at",
                    ]
                )
        except IntegrityError:  # another running run on the thread: the database said no
            return None
        event_record(
            run.thread_id,
            run.pk,
            "run.started",
            {"run_id": str(run.pk), "attempt": run.attempt, "worker": worker},
        )
    return run


def _latest_checkpoint_id(thread_id: Any) -> str:
    from builder.models import Checkpoint

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
    worker: str | None = None,
) -> Run | None:
    """Record the outcome of an execution and dispatch the thread's next pending run.

    Ignored (returns None) when this worker no longer owns the run.
    """
    worker = worker or worker_name()
    with transaction.atomic():
        run = Run.objects.select_related("thread").filter(pk=run_id).first()
        if run is None:
            return None
        _lock_thread(run.thread_id)
        run.refresh_from_db()
        if run.status != RunStatus.RUNNING or run.worker != worker:
            return None
        if run.cancel_requested_at and status not in (RunStatus.ERROR, RunStatus.TIMEOUT):
            status = RunStatus.CANCELLED
        return _finish_locked(run, status, error=error, values=values)


def _finish_locked(
    run: Run, status: str, *, error: dict[str, Any] | None, values: Any = None
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
    fields = ["status", "updated_at"]
    if values is not None:
        thread.values = values
        fields.append("values")
    thread.save(update_fields=fields)
    if following is not None:
        _dispatch_on_commit(following.pk)
    return run


def _webhook_on_commit(
    run: Run, *, status: str, error: dict[str, Any] | None, values: Any, thread: Thread
) -> None:
    """Send the final run payload to the run's webhook once the finish is committed (not
    for a rollback: the run is deleted, as if it never happened)."""
    from builder.executors import dispatch_webhook
    from builder.services.webhooks import webhook_payload

    payload = webhook_payload(
        run,
        status=status,
        error=error,
        values=values if values is not None else thread.values,
        finished_at=timezone.now(),
    )
    url = run.webhook
    transaction.on_commit(lambda: dispatch_webhook(url, payload))


def _delete_checkpoints_after(thread_id: str, checkpoint_id: str) -> None:
    from builder.checkpointer import DjangoCheckpointer

    DjangoCheckpointer().delete_after(thread_id, checkpoint_id)


def runs_stale() -> list[Any]:
    """Ids of running runs whose worker stopped heartbeating (it died or hangs), and of
    pending runs nobody picked up (a lost dispatch, a broker that was down)."""
    limit = _stale_before()
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
    from builder.executors import dispatch

    stale = runs_stale()
    for run_id in stale:
        dispatch(run_id)
    return stale
