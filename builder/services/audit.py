"""The audit trail: services call ``audit_record`` inside their transaction."""

from __future__ import annotations

from typing import Any

from builder.models import AuditEntry, Thread, Workspace


def audit_record(
    *,
    workspace: Workspace | int,
    action: str,
    actor: Any = None,
    thread: Thread | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` (a user or None for the system) did ``action``."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    detail = dict(detail or {})
    if thread is not None:
        # Kept in the detail too: the foreign key becomes NULL when the thread is deleted.
        detail.setdefault("thread_id", str(thread.pk))
    return AuditEntry.objects.create(
        workspace_id=workspace_id,
        thread=thread,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        detail=detail,
    )
