"""Readiness checks for load balancers: can this process serve a run right now?

``/healthz`` (liveness) does no I/O: it answers while the process is up, so an orchestrator
restarts only a hung process, never one whose database blinked. ``/readyz`` asks each
dependency this process is configured to use (the database always, Redis when
``REDIS_URL`` is set, the Celery broker when one is configured) and names the one that failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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


def check_redis() -> dict[str, Any]:
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
    return {"ok": True}


def check_broker() -> dict[str, Any]:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return {"ok": True}


def configured_checks() -> dict[str, Callable[[], dict[str, Any]]]:
    """The dependencies this process uses; one it does not use is not asked."""
    checks: dict[str, Callable[[], dict[str, Any]]] = {"database": check_database}
    if settings.BUILDER["REDIS_URL"]:
        checks["redis"] = check_redis
    if not settings.CELERY_BROKER_URL.startswith("memory://"):
        checks["broker"] = check_broker
    return checks


def readiness() -> tuple[bool, dict[str, Any]]:
    """Run every configured check; a failing check reports its error instead of raising."""
    results: dict[str, Any] = {}
    for name, check in configured_checks().items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return all(r["ok"] for r in results.values()), results
