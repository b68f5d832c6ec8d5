"""Crons: runs started on a schedule, LangGraph Server's ``/runs/crons`` resource.

Each cron owns a django-celery-beat ``PeriodicTask`` with the same crontab, so
``celery beat`` (DatabaseScheduler) fires it in the workers; the web process of the
embedded default fires due crons itself by ``next_run_date`` (see
``builder.services.crons``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from builder.models.graphs import Assistant
from builder.models.threads import Thread
from builder.models.workspaces import Workspace


class Cron(models.Model):
    cron_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="crons")
    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="crons")
    # None: each firing runs on a new thread (a stateless cron).
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="crons"
    )
    schedule = models.CharField(max_length=200)
    # IANA zone the schedule is read in; empty means UTC, as LangGraph Server.
    timezone = models.CharField(max_length=64, blank=True, default="")
    # The run body each firing starts with (input, config, context, stream_mode, ...).
    payload = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # Stateless crons only: "delete" removes each run's thread once the run is over.
    on_run_completed = models.CharField(max_length=8, blank=True, default="")
    next_run_date = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enabled", "next_run_date"], name="cron_due")]

    def __str__(self) -> str:
        return f"{self.cron_id} ({self.schedule})"
