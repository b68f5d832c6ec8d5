"""The single Django app of the project (label ``builder``)."""

from __future__ import annotations

from django.apps import AppConfig


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

        # Node code (python nodes, code-defined graphs, the Django store) may use the ORM,
        # which refuses to run on a thread with a running event loop: keep sync nodes off it.
        runtime.configure(inline_sync_nodes=False)
