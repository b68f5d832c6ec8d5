"""Share links: read-only access to one thread for whoever holds the token.

The token is shown once, when the link is created; ``ShareLink.token`` stores its
SHA-256, so neither a database dump nor the admin reveals working links. Every request
resolves the link again, so revoking (or expiry) takes effect on the next request.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.models import ShareLink, Thread
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput
from builder.services.teams import token_hash

MAX_SHARE_TTL = dt.timedelta(days=365)


def sharelink_create(
    *, thread: Thread, user: Any = None, expires_in: dt.timedelta | None = None
) -> tuple[ShareLink, str]:
    """Create a link; returns the row and the token (not stored anywhere)."""
    if expires_in is not None and not (dt.timedelta(0) < expires_in <= MAX_SHARE_TTL):
        raise InvalidInput("a share link expires after between 1 second and 365 days")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = ShareLink.objects.create(
            thread=thread,
            token=token_hash(token),
            created_by=user if getattr(user, "is_authenticated", False) else None,
            expires_at=timezone.now() + expires_in if expires_in else None,
        )
        audit_record(
            workspace=thread.workspace_id,
            actor=user,
            thread=thread,
            action="sharelink.created",
            detail={"share_link_id": link.pk},
        )
    return link, token


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
                detail={"share_link_id": link.pk},
            )
    return link


def sharelink_live(link: ShareLink) -> bool:
    """Neither revoked nor expired."""
    if link.revoked_at is not None:
        return False
    return link.expires_at is None or link.expires_at > timezone.now()


def sharelink_resolve(token: str) -> Thread | None:
    """The thread a live link points at, or None (unknown, revoked or expired)."""
    if not token or len(token) > 200:
        return None
    link = (
        ShareLink.objects.select_related("thread", "thread__graph", "thread__workspace")
        .filter(token=token_hash(token))
        .first()
    )
    if link is None or not sharelink_live(link):
        return None
    return link.thread
