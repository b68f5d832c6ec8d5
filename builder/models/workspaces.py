"""Workspaces own everything users create; memberships say who may do what in one."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _default_retention_days() -> int:
    return int(settings.BUILDER["DEFAULT_RETENTION_DAYS"])


class Workspace(models.Model):
    """A team's space: graphs, threads, store items and keys belong to one."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    # Threads idle for longer than this are deleted by `manage.py prune_threads`;
    # 0 keeps them forever.
    retention_days = models.PositiveIntegerField(default=_default_retention_days)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Role(models.TextChoices):
    OWNER = "owner"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class Membership(models.Model):
    """A user's role in a workspace (one row per user and workspace)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.workspace_id}:{self.role}"
