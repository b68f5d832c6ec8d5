"""System checks for the BUILDER settings that would fail only at run time otherwise."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def check_builder_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    conf = settings.BUILDER
    problems: list[checks.CheckMessage] = []
    if conf["RUN_EXECUTOR"] not in ("inline", "celery", "sync"):
        problems.append(
            checks.Error(
                f"RUN_EXECUTOR is {conf['RUN_EXECUTOR']!r}",
                hint="use inline (default), celery or sync",
                id="builder.E001",
            )
        )
    if float(conf["HEARTBEAT_SECONDS"]) * 3 > float(conf["HEARTBEAT_STALE_SECONDS"]):
        problems.append(
            checks.Warning(
                "HEARTBEAT_STALE_SECONDS is less than three heartbeats: live runs may be "
                "taken over by another worker",
                hint="keep HEARTBEAT_STALE_SECONDS >= 3 * HEARTBEAT_SECONDS",
                id="builder.W001",
            )
        )
    return problems


@checks.register()
def check_auth_handler(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A langgraph.json ``auth`` that cannot be loaded fails at start-up, not per request."""
    from django.core.exceptions import ImproperlyConfigured

    from builder.api.custom_auth import auth_handler

    try:
        auth_handler()
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        return [checks.Error(f"GRAPHS_CONFIG auth: {exc}", id="builder.E002")]
    return []
