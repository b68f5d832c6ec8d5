"""Retention: delete threads idle for longer than their workspace keeps them."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from builder.models import ACTIVE_RUN_STATUSES, Thread, Workspace
from builder.services.threads import thread_delete

logger = logging.getLogger(__name__)


def threads_expired(*, workspace: Workspace, now: dt.datetime | None = None) -> list[Thread]:
    """Threads of the workspace last updated before its retention window, without an
    active run (never delete a thread under a running graph)."""
    if not workspace.retention_days:
        return []
    cutoff = (now or timezone.now()) - dt.timedelta(days=workspace.retention_days)
    return list(
        Thread.objects.filter(workspace=workspace, updated_at__lt=cutoff).exclude(
            runs__status__in=ACTIVE_RUN_STATUSES
        )
    )


def threads_prune(
    *, workspace: Workspace | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Delete expired threads (of one workspace, or all); returns counts by workspace slug."""
    workspaces = [workspace] if workspace is not None else list(Workspace.objects.all())
    counts: dict[str, int] = {}
    for ws in workspaces:
        expired = threads_expired(workspace=ws, now=now)
        counts[ws.slug] = len(expired)
        if dry_run:
            continue
        for thread in expired:
            thread_delete(thread=thread)
        if expired:
            logger.info("pruned %d threads of workspace %s", len(expired), ws.slug)
    return counts
