"""Share links: read-only access to one thread's history for whoever holds the token."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from builder.models.threads import Thread


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class ShareLink(models.Model):
    """A revocable, optionally expiring link to a thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"share {self.thread_id}"
