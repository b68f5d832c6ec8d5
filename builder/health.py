"""Health checks of what a run needs: the database, the channel layer, the broker."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_channel_layer() -> dict[str, Any]:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if backend.endswith("InMemoryChannelLayer"):
        return {"ok": True, "backend": "in-memory"}
    import redis

    client = redis.Redis.from_url(
        settings.BUILDER["REDIS_URL"],
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "backend": "redis"}


def check_broker() -> dict[str, Any]:
    executor = settings.BUILDER["RUN_EXECUTOR"]
    if executor != "celery":
        return {"ok": True, "executor": executor}
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return {"ok": True, "executor": "celery"}


CHECKS = {"database": check_database, "channel_layer": check_channel_layer, "broker": check_broker}


def health() -> tuple[bool, dict[str, Any]]:
    """Run every check; a failing check reports its error instead of raising."""
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return all(r["ok"] for r in results.values()), results
