"""Reads about threads, their runs, their event log and their checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from builder.eventlog import event_as_dict
from builder.models import ACTIVE_RUN_STATUSES, ApiKey, Run, RunEvent, Thread, ThreadStatus
from builder.permissions import visible_workspaces


def thread_list(
    *,
    user: Any,
    api_key: ApiKey | None,
    workspace_id: int | None = None,
    status: str | list[str] | None = None,
    waiting_for_review: bool | None = None,
    graph_id: int | None = None,
    started_by: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    updated_after: datetime | None = None,
    updated_before: datetime | None = None,
) -> QuerySet[Thread]:
    """Threads the caller can see, most recently updated first, narrowed by the filters
    given (``started_by`` is a username; ``*_after`` bounds are inclusive, ``*_before``
    exclusive).

    ``api_key`` has no default on purpose: a key limited to one workspace must never see
    threads of the user's other workspaces, so every caller says which key (or None).
    """
    threads = Thread.objects.filter(workspace__in=visible_workspaces(user, api_key))
    if workspace_id is not None:
        threads = threads.filter(workspace_id=workspace_id)
    if isinstance(status, str) and status:
        threads = threads.filter(status=status)
    elif status:
        threads = threads.filter(status__in=status)
    # A thread waits for review while its run is paused at an interrupt or breakpoint:
    # the same threads the review inbox reads its items from.
    if waiting_for_review is True:
        threads = threads.filter(status=ThreadStatus.INTERRUPTED)
    elif waiting_for_review is False:
        threads = threads.exclude(status=ThreadStatus.INTERRUPTED)
    if graph_id is not None:
        threads = threads.filter(graph_id=graph_id)
    if started_by:
        threads = threads.filter(created_by__username=started_by)
    if created_after is not None:
        threads = threads.filter(created_at__gte=created_after)
    if created_before is not None:
        threads = threads.filter(created_at__lt=created_before)
    if updated_after is not None:
        threads = threads.filter(updated_at__gte=updated_after)
    if updated_before is not None:
        threads = threads.filter(updated_at__lt=updated_before)
    return threads.select_related("graph", "workspace", "created_by").order_by("-updated_at")


def run_list(*, thread: Thread) -> QuerySet[Run]:
    """A thread's runs, newest first."""
    return thread.runs.order_by("-created_at")


def run_active(*, thread: Thread) -> Run | None:
    """The running run of the thread, else the oldest pending one."""
    active = list(thread.runs.filter(status__in=ACTIVE_RUN_STATUSES).order_by("created_at"))
    running = [r for r in active if r.status == "running"]
    return (running or active or [None])[0]


def events_after(
    *, thread_id: Any, after_seq: int = 0, run_id: Any = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Events of a thread with seq greater than ``after_seq``, in order (for resuming a
    websocket or SSE stream without loss or duplication)."""
    events = RunEvent.objects.filter(thread_id=thread_id, seq__gt=after_seq)
    if run_id is not None:
        events = events.filter(run_id=run_id)
    return [event_as_dict(e) for e in events.order_by("seq")[:limit]]


def thread_history(*, thread: Thread, limit: int = 20, before: str | None = None) -> list[Any]:
    """A page of the thread's root checkpoints, newest first (CheckpointTuples)."""
    from builder.checkpointer import DjangoCheckpointer

    config = {"configurable": {"thread_id": str(thread.pk), "checkpoint_ns": ""}}
    before_config = {"configurable": {"checkpoint_id": before}} if before else None
    return list(DjangoCheckpointer().list(config, before=before_config, limit=limit))
