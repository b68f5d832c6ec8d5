"""``manage.py prune_threads``: delete threads older than their workspace's retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from builder.models import Workspace
from builder.services.retention import threads_prune


class Command(BaseCommand):
    help = "Delete threads idle for longer than their workspace's retention_days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workspace", help="only this workspace (slug)")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"no workspace with slug {options['workspace']!r}")
        counts = threads_prune(workspace=workspace, dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for slug, n in counts.items():
            self.stdout.write(f"{slug}: {verb} {n} thread(s)")
        self.stdout.write(f"total: {verb} {sum(counts.values())} thread(s)")
