"""``manage.py sweep_runs``: re-dispatch runs whose worker stopped heartbeating."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from builder.execution.dispatch import runs_resume_stale


class Command(BaseCommand):
    help = "Dispatch again runs whose heartbeat is stale or that were never picked up."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = runs_resume_stale()
        self.stdout.write(f"re-dispatched {len(ids)} run(s)")
