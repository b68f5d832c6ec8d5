"""``manage.py import_graph FILE``: create a graph from GraphSpec JSON, or replace the
draft of the graph with the same slug."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from builder.management.commands._lookup import workspace_by_slug
from builder.services.errors import ServiceError
from builder.services.graphs import graph_import


class Command(BaseCommand):
    help = "Import a GraphSpec JSON file ('-' for stdin) into a workspace."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--workspace", default="demo")
        parser.add_argument("--slug", default="", help="default: from the spec's name")
        parser.add_argument("--publish", action="store_true", help="publish a new version")
        parser.add_argument("--note", default="", help="note of the published version")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_by_slug(options["workspace"])
        try:
            raw = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text()
            spec = json.loads(raw)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        try:
            graph, version = graph_import(
                workspace=workspace,
                spec=spec,
                slug=options["slug"],
                publish=options["publish"],
                note=options["note"],
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        published = f", published version {version.number}" if version else ""
        self.stdout.write(
            f"imported {workspace.slug}/{graph.slug} (draft revision {graph.draft_revision}"
            f"{published})"
        )
