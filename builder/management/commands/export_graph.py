"""``manage.py export_graph SLUG``: a graph's spec as JSON (the draft, or a version)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from builder.management.commands._lookup import graph_by_slug, workspace_by_slug


class Command(BaseCommand):
    help = "Print (or write) a graph's GraphSpec JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--workspace", default="demo")
        parser.add_argument(
            "--graph-version",
            type=int,
            dest="graph_version",
            help="a published version number (default: the draft)",
        )
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        graph = graph_by_slug(workspace_by_slug(options["workspace"]), options["slug"])
        if options["graph_version"] is not None:
            version = graph.versions.filter(number=options["graph_version"]).first()
            if version is None:
                raise CommandError(f"graph {graph.slug} has no version {options['version']}")
            spec = version.spec
        else:
            spec = graph.draft
        text = json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, "utf-8")
            self.stderr.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
