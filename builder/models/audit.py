"""The audit trail: who did what to which thread (written by services only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from builder.models.threads import Thread
from builder.models.workspaces import Workspace


class AuditEntry(models.Model):
    """One recorded action. Entries outlive their thread (``thread`` becomes NULL and
    ``detail`` keeps the id) so a deletion itself stays auditable."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit")
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["workspace", "-created_at"], name="audit_ws_created")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"
