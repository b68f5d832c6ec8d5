"""``manage.py run_graph SLUG --input JSON``: run a graph here and print its events.

Runs in this process (the ``sync`` executor) through the same services as the web app,
so the run, its events and checkpoints are recorded and visible in the debugger.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from builder.management.commands._lookup import graph_by_slug, workspace_by_slug
from builder.models import RunEvent, Thread
from builder.selectors.threads import events_after
from builder.services.errors import ServiceError
from builder.services.runs import run_start
from builder.services.threads import thread_create


class Command(BaseCommand):
    help = "Run a graph in this process, printing each event as a JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--workspace", default="demo")
        parser.add_argument("--input", default="{}", help="the input, as JSON")
        parser.add_argument("--resume", help="resume an interrupt with this JSON value")
        parser.add_argument("--thread", help="continue this thread (default: a new one)")
        parser.add_argument("--quiet", action="store_true", help="print only the final values")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        workspace = workspace_by_slug(options["workspace"])
        graph = graph_by_slug(workspace, options["slug"])
        try:
            payload = json.loads(options["input"])
            resume = json.loads(options["resume"]) if options["resume"] else None
        except ValueError as exc:
            raise CommandError(f"--input/--resume must be JSON: {exc}") from exc
        if options["thread"]:
            thread = Thread.objects.filter(pk=options["thread"], workspace=workspace).first()
            if thread is None:
                raise CommandError(f"no thread {options['thread']} in {workspace.slug}")
        else:
            thread = thread_create(workspace=workspace, graph=graph)
        settings.BUILDER = {**settings.BUILDER, "RUN_EXECUTOR": "sync"}
        last_seq = (
            RunEvent.objects.filter(thread=thread)
            .order_by("-seq")
            .values_list("seq", flat=True)
            .first()
            or 0
        )
        try:
            run = run_start(
                thread=thread,
                input=None if resume is not None else payload,
                command={"resume": resume} if resume is not None else None,
                stream_mode=["values", "updates"],
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        run.refresh_from_db()
        thread.refresh_from_db()
        if not options["quiet"]:
            for event in events_after(thread_id=thread.pk, after_seq=last_seq, limit=100000):
                self.stdout.write(json.dumps(event, ensure_ascii=False))
        self.stdout.write(json.dumps(thread.values, ensure_ascii=False, indent=2))
        self.stderr.write(f"thread {thread.pk} run {run.pk}: {run.status}")
        if run.status == "error":
            raise CommandError(f"the run failed: {(run.error or {}).get('message')}")
