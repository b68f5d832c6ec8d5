"""``manage.py seed_demo``: the demo user, workspace and graphs (safe to run again)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from builder.models import Assistant, Graph, Membership, Role, Workspace
from builder.services.graphs import code_graphs_register, graph_import, graph_spec_check

DEMOS_DIR = Path(settings.BASE_DIR) / "runtime" / "examples"


class Command(BaseCommand):
    help = "Create user demo (password demo), workspace 'demo' and the demo graphs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--demos", default=str(DEMOS_DIR), help="folder of GraphSpec JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            user = self._user()
            workspace, _ = Workspace.objects.get_or_create(
                slug="demo", defaults={"name": "Demo workspace"}
            )
            Membership.objects.get_or_create(
                user=user, workspace=workspace, defaults={"role": Role.OWNER}
            )
            created = self._spec_graphs(workspace, user, Path(options["demos"]))
            created += [g.slug for g in code_graphs_register(workspace=workspace, user=user)]
            for graph in Graph.objects.filter(workspace=workspace):
                if not graph.assistants.exists():
                    Assistant.objects.create(
                        workspace=workspace,
                        graph=graph,
                        name=graph.slug,
                        metadata={"created_by": "system"},
                    )
        summary = ", ".join(created) if created else "nothing new"
        self.stdout.write(f"seed_demo: user demo / demo, workspace demo; created: {summary}")

    def _user(self) -> Any:
        users = get_user_model()
        user = users.objects.filter(username="demo").first()
        if user is None:
            # The password is set only when the user is created: a changed one stays.
            user = users.objects.create_user("demo", email="demo@example.com", password="demo")
        return user

    def _spec_graphs(self, workspace: Workspace, user: Any, folder: Path) -> list[str]:
        created: list[str] = []
        if not folder.is_dir():
            return created
        for path in sorted(folder.glob("*.json")):
            slug = path.stem.replace("_", "-")
            if Graph.objects.filter(workspace=workspace, slug=slug).exists():
                continue
            spec = json.loads(path.read_text("utf-8"))
            if not _is_spec(spec):
                continue  # e.g. graphs.json, the code graphs' config (GRAPHS_CONFIG)
            valid = not graph_spec_check(spec)
            if not valid:
                self.stderr.write(f"seed_demo: {path.name} does not validate; saved as draft only")
            graph_import(
                workspace=workspace,
                spec=spec,
                slug=slug,
                user=user,
                publish=valid,
                note="demo",
            )
            created.append(slug)
        return created


def _is_spec(data: Any) -> bool:
    """A GraphSpec rather than a langgraph.json-shaped ``{"graphs": {...}}`` config."""
    return isinstance(data, dict) and not (
        isinstance(data.get("graphs"), dict) and "nodes" not in data
    )
