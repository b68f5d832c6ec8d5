"""Reads for the team features: the audit trail, comments, and what a share link shows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from builder.models import AuditEntry, CheckpointComment, Thread
from builder.selectors.threads import events_after
from builder.services.teams import comment_dict

SHARE_HISTORY_LIMIT = 500
SHARE_EVENTS_LIMIT = 5000


def audit_list(
    *,
    workspace_id: int,
    thread: Thread | None = None,
    action: str = "",
    actor: str = "",
) -> QuerySet[AuditEntry]:
    """Audit entries newest first. ``action`` matches exactly or as a prefix ending at a
    dot (``review`` finds ``review.resume`` and ``review.cancel``); ``actor`` is a
    username."""
    entries = AuditEntry.objects.filter(workspace_id=workspace_id).select_related("actor")
    if thread is not None:
        entries = entries.filter(thread=thread)
    if action:
        entries = entries.filter(Q(action=action) | Q(action__startswith=action.rstrip(".") + "."))
    if actor:
        entries = entries.filter(actor__username=actor)
    return entries.order_by("-created_at", "-id")


def audit_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "action": entry.action,
        "actor": entry.actor.get_username() if entry.actor else entry.detail.get("actor"),
        "thread_id": str(entry.thread_id) if entry.thread_id else entry.detail.get("thread_id"),
        "detail": entry.detail,
        "created_at": entry.created_at.isoformat(),
    }


def comment_list(*, thread: Thread, checkpoint_id: str = "") -> QuerySet[CheckpointComment]:
    comments = CheckpointComment.objects.filter(thread=thread).select_related("author")
    if checkpoint_id:
        comments = comments.filter(checkpoint_id=checkpoint_id)
    return comments


def shared_thread(thread: Thread) -> dict[str, Any]:
    """Everything the read-only debugger of a share link shows, in one answer."""
    from builder.selectors.api_state import thread_history
    from builder.services.thread_transfer import graph_snapshot

    history = thread_history(thread=thread, limit=SHARE_HISTORY_LIMIT)
    events = events_after(thread_id=thread.pk, limit=SHARE_EVENTS_LIMIT)
    audit = audit_list(workspace_id=thread.workspace_id, thread=thread)
    return {
        "thread": {
            "thread_id": str(thread.pk),
            "status": thread.status,
            "created_at": thread.created_at.isoformat(),
            "updated_at": thread.updated_at.isoformat(),
            "values": thread.values,
        },
        "graph": graph_snapshot(thread),
        "history": history,
        "events": events,
        "events_truncated": len(events) >= SHARE_EVENTS_LIMIT,
        "audit": [audit_dict(e) for e in audit[:1000]],
        "comments": [comment_dict(c) for c in comment_list(thread=thread)],
    }
