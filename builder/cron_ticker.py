"""The embedded default's cron scheduler: a thread of the web process that fires due
crons every ``CRON_TICK_SECONDS``. Celery deployments run ``celery beat`` instead (it
reads the crons' PeriodicTasks), so this starts only with the inline executor."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

_started = threading.Event()


def start_cron_ticker() -> None:
    """Start the ticker once per process (inline executor, CRON_TICK_SECONDS > 0)."""
    seconds = float(settings.BUILDER["CRON_TICK_SECONDS"])
    if settings.BUILDER["RUN_EXECUTOR"] != "inline" or seconds <= 0 or _started.is_set():
        return
    _started.set()
    threading.Thread(
        target=_tick_forever, args=(seconds,), name="switchyard-crons", daemon=True
    ).start()


def _tick_forever(seconds: float) -> None:
    from builder.services.crons import crons_fire_due

    stop = threading.Event()
    while not stop.wait(seconds):
        close_old_connections()
        try:
            crons_fire_due()
        except Exception:
            logger.exception("firing due crons failed")
        finally:
            connections.close_all()
