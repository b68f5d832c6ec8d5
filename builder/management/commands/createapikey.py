"""``manage.py createapikey USERNAME [--workspace SLUG]``: the key alone on the last line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from builder.models import Workspace
from builder.services.apikeys import apikey_create


class Command(BaseCommand):
    help = "Create an API key (header X-Api-Key) for a user; prints the key on the last line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--workspace", help="limit the key to this workspace (slug)")
        parser.add_argument("--name", default="", help="a label to tell keys apart")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        workspace = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"no workspace with slug {options['workspace']!r}")
        key, secret = apikey_create(user=user, name=options["name"], workspace=workspace)
        scope = f"workspace {workspace.slug}" if workspace else "all of the user's workspaces"
        self.stderr.write(f"API key {key.prefix}… for {user.username} ({scope}); shown once:")
        self.stdout.write(secret)
