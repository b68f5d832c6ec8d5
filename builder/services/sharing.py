"""Share links: read-only access to one thread for whoever holds the token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.models import ShareLink, Thread
from builder.services.audit import audit_record


def sharelink_create(
    *, thread: Thread, user: Any = None, expires_in: dt.timedelta | None = None
) -> ShareLink:
    with transaction.atomic():
        link = ShareLink.objects.create(
            thread=thread,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            expires_at=timezone.now() + expires_in if expires_in else None,
        )
        audit_record(
            workspace=thread.workspace_id, actor=user, thread=thread, action="sharelink.created"
        )
    return link


def sharelink_revoke(*, link: ShareLink, user: Any = None) -> ShareLink:
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            audit_record(
                workspace=link.thread.workspace_id,
                actor=user,
                thread=link.thread,
                action="sharelink.revoked",
            )
    return link


def sharelink_resolve(token: str) -> Thread | None:
    """The thread a live link points at, or None (unknown, revoked or expired)."""
    link = ShareLink.objects.select_related("thread").filter(token=token).first()
    if link is None or link.revoked_at is not None:
        return None
    if link.expires_at is not None and link.expires_at <= timezone.now():
        return None
    return link.thread
