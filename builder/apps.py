"""The single Django app of the project (label ``builder``)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class BuilderConfig(AppConfig):
    name = "builder"
    label = "builder"
    verbose_name = "Switchyard builder"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import runtime
        from builder import checks  # noqa: F401  (registers the system checks)
        from builder.services.access import connect_signals

        connect_signals()
        post_migrate.connect(_create_cache_tables, sender=self, dispatch_uid="cache-tables")

        # Node code (python nodes, code-defined graphs, the Django store) may use the ORM,
        # which refuses to run on a thread with a running event loop: keep sync nodes off it.
        runtime.configure(inline_sync_nodes=False)


def _create_cache_tables(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # The database cache that counts failed logins (without Redis) needs its table, and
    # `migrate` is the one set-up step every deployment runs (make run, make up, docker).
    # createcachetable skips tables that exist.
    call_command("createcachetable", database=using, verbosity=0)
