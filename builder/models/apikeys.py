"""API keys (header ``X-Api-Key``): only a SHA-256 of the secret is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from builder.models.workspaces import Workspace


class ApiKey(models.Model):
    """A key acting as ``user``, optionally limited to one workspace.

    ``prefix`` (the key's first characters) is shown in lists so a user can tell keys
    apart; ``hashed_key`` is what a presented key is checked against.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=200, blank=True, default="")
    prefix = models.CharField(max_length=16, db_index=True)
    hashed_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
