"""Runs as users ask for them: start (with multitask strategies) and cancel.

``run_start`` locks the thread row (``SELECT ... FOR UPDATE`` on Postgres; SQLite runs
every transaction with ``BEGIN IMMEDIATE``, which serialises writers) before looking for
active runs, so two starts on one thread see each other. Runs that wait (enqueue, or
behind a run being interrupted) stay ``pending``; the worker side (claim, heartbeat,
finish, the next run after it) is ``builder.execution.lifecycle``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.eventlog import event_record
from builder.execution.lifecycle import dispatch_on_commit, finish_locked, lock_thread
from builder.execution.webhooks import WebhookRefused, webhook_check_url
from builder.models import (
    ACTIVE_RUN_STATUSES,
    DURABILITY_MODES,
    Assistant,
    GraphSource,
    GraphVersion,
    MultitaskStrategy,
    Run,
    RunStatus,
    Thread,
    ThreadStatus,
)
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput, NothingToResume, ThreadBusy

logger = logging.getLogger(__name__)


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
    draft: bool = False,
    durability: str = "async",
) -> Run:
    """Create a run on ``thread`` and dispatch it after commit.

    ``context`` reaches nodes as ``runtime.context``; ``webhook`` receives the final run
    payload once the run has finished; ``after_seconds`` keeps the run pending that long
    before it may start (it still counts as the thread's active run meanwhile).
    ``draft`` runs the graph's unpublished draft as it is now (a test run from the
    editor); a run that continues a draft run (no new input) runs that same draft.

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
        try:
            webhook_check_url(webhook)
        except WebhookRefused as exc:
            raise InvalidInput(str(exc)) from None
    if after_seconds < 0:
        raise InvalidInput("after_seconds must not be negative")
    if durability not in DURABILITY_MODES:
        raise InvalidInput(
            f"durability must be one of {', '.join(DURABILITY_MODES)}, not {durability!r}"
        )
    start_after = timezone.now() + dt.timedelta(seconds=after_seconds) if after_seconds else None
    modes = [stream_mode] if isinstance(stream_mode, str) else list(stream_mode or ["values"])
    if assistant is not None and assistant.workspace_id != thread.workspace_id:
        raise InvalidInput("the assistant belongs to another workspace than the thread")
    draft_spec, draft_revision = _draft_to_run(
        thread, assistant, draft=draft, graph_version=graph_version, continuing=input is None
    )
    if draft_spec is not None:
        metadata = {**(metadata or {}), "draft": True, "draft_revision": draft_revision}
    elif graph_version is None and assistant is not None:
        graph_version = assistant.graph_version
    if graph_version is not None:
        graph_id = assistant.graph_id if assistant is not None else thread.graph_id
        if graph_id is not None and graph_version.graph_id != graph_id:
            raise InvalidInput(
                f"graph version {graph_version.pk} is not a version of the run's graph"
            )
    with transaction.atomic():
        locked = lock_thread(thread.pk)
        active = list(
            Run.objects.filter(thread=locked, status__in=ACTIVE_RUN_STATUSES).order_by("created_at")
        )
        if active and multitask_strategy == MultitaskStrategy.REJECT:
            raise ThreadBusy(locked.pk, active[0].pk)
        resumes = bool(command) and command.get("resume") is not None
        if resumes and not checkpoint_id and not active:
            # A late answer (the run finished or was answered already) changes nothing.
            if locked.status != ThreadStatus.INTERRUPTED:
                raise NothingToResume(locked.pk, locked.status)
        if multitask_strategy in (MultitaskStrategy.INTERRUPT, MultitaskStrategy.ROLLBACK):
            for other in active:
                _request_cancel(other, action=multitask_strategy, user=user)
        run = Run.objects.create(
            thread=locked,
            assistant=assistant,
            graph_version=graph_version,
            input=input,
            command=command,
            draft_spec=draft_spec,
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
            durability=durability,
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
        dispatch_on_commit(run.pk, delay=after_seconds)
    return run


def _draft_to_run(
    thread: Thread,
    assistant: Assistant | None,
    *,
    draft: bool,
    graph_version: GraphVersion | None,
    continuing: bool,
) -> tuple[dict[str, Any] | None, int | None]:
    """The draft spec a run executes and its revision, or (None, None) for a version."""
    if draft:
        graph = thread.graph or (assistant.graph if assistant is not None else None)
        if graph_version is not None:
            raise InvalidInput("give either a graph version or draft, not both")
        if graph is None or graph.source == GraphSource.CODE:
            raise InvalidInput(
                "draft: only a graph designed in the builder has a draft; "
                "a code-defined graph runs its code"
            )
        return graph.draft, graph.draft_revision
    if continuing and graph_version is None:
        # Resuming, rewinding or forking a draft test run goes on with the same draft:
        # its checkpoints were made by that graph.
        previous = thread.runs.order_by("-created_at").only("draft_spec", "metadata").first()
        if previous is not None and previous.draft_spec is not None:
            return previous.draft_spec, (previous.metadata or {}).get("draft_revision")
    return None, None


def _run_summary(run: Run) -> dict[str, Any]:
    return {
        "run_id": str(run.pk),
        "status": run.status,
        "assistant_id": str(run.assistant_id) if run.assistant_id else None,
        "graph_version_id": run.graph_version_id,
        "draft": run.draft_spec is not None,
        # New input at the thread's head: a run of its own, not a continuation (resume,
        # retry, fork), so the debugger starts its node statuses afresh.
        "new_input": run.input is not None and not run.checkpoint_id,
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
        finish_locked(run, RunStatus.CANCELLED, error=None)
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
        lock_thread(run.thread_id)
        locked = Run.objects.select_related("thread").get(pk=run.pk)
        if locked.status in ACTIVE_RUN_STATUSES:
            _request_cancel(locked, action=action, user=user)
    return locked
