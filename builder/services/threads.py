"""Thread writes: create, delete, copy, and status updates."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.eventlog import event_record
from builder.models import ACTIVE_RUN_STATUSES, Assistant, Graph, Run, Thread, Workspace
from builder.services.audit import audit_record


def thread_create(
    *,
    workspace: Workspace,
    user: Any = None,
    graph: Graph | None = None,
    assistant: Assistant | None = None,
    metadata: dict[str, Any] | None = None,
    thread_id: uuid.UUID | str | None = None,
) -> Thread:
    """Create an idle thread (for ``assistant``'s graph when only the assistant is given)."""
    if graph is None and assistant is not None:
        graph = assistant.graph
    with transaction.atomic():
        thread = Thread.objects.create(
            thread_id=uuid.UUID(str(thread_id)) if thread_id else uuid.uuid4(),
            workspace=workspace,
            graph=graph,
            assistant=assistant,
            metadata=metadata or {},
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_record(workspace=workspace, actor=user, thread=thread, action="thread.created")
    return thread


def thread_delete(*, thread: Thread, user: Any = None) -> None:
    """Delete a thread with its runs, events and checkpoints.

    Active runs are asked to stop first; their workers find the run gone and exit.
    """
    from builder.checkpointer import DjangoCheckpointer

    with transaction.atomic():
        Run.objects.filter(thread=thread, status__in=ACTIVE_RUN_STATUSES).update(
            cancel_action="interrupt"
        )
        audit_record(
            workspace=thread.workspace_id,
            actor=user,
            action="thread.deleted",
            detail={"thread_id": str(thread.pk)},
        )
        DjangoCheckpointer().delete_thread(str(thread.pk))
        thread.delete()


def thread_copy(*, thread: Thread, user: Any = None) -> Thread:
    """A new thread with the same history (checkpoints copied, runs and events not)."""
    from builder.checkpointer import DjangoCheckpointer

    with transaction.atomic():
        copy = Thread.objects.create(
            workspace_id=thread.workspace_id,
            graph_id=thread.graph_id,
            assistant_id=thread.assistant_id,
            metadata=dict(thread.metadata),
            values=thread.values,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        DjangoCheckpointer().copy_thread(str(thread.pk), str(copy.pk))
        audit_record(
            workspace=thread.workspace_id,
            actor=user,
            thread=copy,
            action="thread.copied",
            detail={"source_thread_id": str(thread.pk)},
        )
    return copy


def thread_set_status(*, thread_id: Any, status: str, values: Any = None) -> None:
    """Record a status change and tell the thread's subscribers."""
    fields: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if values is not None:
        fields["values"] = values
    with transaction.atomic():
        Thread.objects.filter(pk=thread_id).update(**fields)
        event_record(thread_id, None, "thread.status", {"status": status})


def threads_prune(*, threads: list[Thread], strategy: str, user: Any = None) -> int:
    """LangGraph Server's prune: ``delete`` removes the threads; ``keep_latest`` keeps
    each thread with only its latest checkpoint (threads with an active run are left
    alone: their run still writes). Returns how many threads were pruned."""
    from builder.checkpointer import DjangoCheckpointer

    if strategy == "delete":
        for thread in threads:
            thread_delete(thread=thread, user=user)
        return len(threads)
    idle = [t for t in threads if not t.runs.filter(status__in=ACTIVE_RUN_STATUSES).exists()]
    DjangoCheckpointer().prune([str(t.pk) for t in idle], strategy="keep_latest")
    for thread in idle:
        audit_record(
            workspace=thread.workspace_id, actor=user, thread=thread, action="thread.pruned"
        )
    return len(idle)
