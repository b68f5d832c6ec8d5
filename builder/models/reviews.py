"""Answers to interrupts: one row per interrupt, so exactly one reviewer wins a race."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from builder.models.threads import Run, Thread


class InterruptResolution(models.Model):
    """Who answered which interrupt of which run, and how.

    The unique constraint is the arbiter when two reviewers answer at once: the second
    insert fails in the database, whatever process it came from. The key includes the run
    that paused because a fork can raise an interrupt with the same id again later, and
    that new pause must be answerable.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="resolutions")
    # The run that paused at the interrupt (not the run that resumes it).
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="resolutions")
    interrupt_id = models.CharField(max_length=200)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=64, blank=True, default="")
    value = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "interrupt_id"], name="interrupt_resolution_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.interrupt_id} by {self.resolved_by_id}"
