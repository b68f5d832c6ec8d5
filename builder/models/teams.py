"""Team features: invitations by link, comments on checkpoints, provider credentials.

Secrets never sit in these tables in a usable form: an invitation keeps a SHA-256 of its
token (the link is shown once), a credential keeps its secret encrypted with Fernet
(``builder.services.credentials``) plus a masked hint for lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from builder.models.threads import Thread
from builder.models.workspaces import Role, Workspace

COMMENT_MAX_LENGTH = 4000


class Invitation(models.Model):
    """An invitation link to join ``workspace`` with ``role``; single use, expiring."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.workspace_id} as {self.role}"


class CheckpointComment(models.Model):
    """A reviewer's plain-text note on one checkpoint of a thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    checkpoint_id = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "checkpoint_id"], name="comment_thread_ckpt")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.thread_id}/{self.checkpoint_id}"


class ProviderCredential(models.Model):
    """An LLM provider's API key for a workspace, encrypted at rest.

    ``secret_encrypted`` is a Fernet token; ``hint`` (e.g. ``sk-…abcd``) is all the API
    ever shows of the secret.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="credentials")
    provider = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    secret_encrypted = models.TextField()
    hint = models.CharField(max_length=32, blank=True, default="")
    # Checked as a URL by the API; a CharField keeps the admin form free of scheme guessing.
    base_url = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="credential_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.name} ({self.hint})"
