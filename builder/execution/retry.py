"""Riding out a database blink inside a run: transient errors are retried with backoff.

A run does all its database work (checkpoints, pending writes, the event log, heartbeats)
on its own one-thread executor. :class:`RetryingExecutor` wraps that executor so every
call it runs is retried while the database is unreachable (connection refused or reset,
too many clients, a server restarting, a serialization failure), for up to
``BUILDER["DB_RETRY_SECONDS"]``. The engine waits on the write, then goes on from where it
was: no step is re-run, nothing is lost. Every write retried here is idempotent (upserts,
``ON CONFLICT DO NOTHING``, pending writes deduplicated by task and index on read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")


def is_database_unavailable(exc: BaseException) -> bool:
    """Errors that say the database cannot be reached or cannot serve now (Django's
    wrappers, and psycopg's own from code that talks to it directly)."""
    return isinstance(
        exc, OperationalError | InterfaceError | psycopg.OperationalError | psycopg.InterfaceError
    )


def _reconnect(state: RetryCallState) -> None:
    """Drop this thread's broken connections: Django would otherwise reuse the dead one."""
    outcome = state.outcome
    logger.warning(
        "database unavailable (attempt %d, retrying): %s",
        state.attempt_number,
        outcome.exception() if outcome is not None else "",
    )
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # closing a dead connection may fail; it is dropped either way
            logger.debug("closing a broken connection failed", exc_info=True)


def retrying() -> Retrying:
    """The policy: exponential backoff with jitter (0.1 s doubling to 2 s) while the
    database is unavailable, for up to DB_RETRY_SECONDS; then the error is raised."""
    return Retrying(
        retry=retry_if_exception(is_database_unavailable),
        wait=wait_exponential_jitter(multiplier=0.1, max=2.0, jitter=0.1),
        stop=stop_after_delay(float(settings.BUILDER["DB_RETRY_SECONDS"])),
        before_sleep=_reconnect,
        reraise=True,
    )


def call_retrying(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, retried while the database is unavailable."""
    return retrying()(fn, *args, **kwargs)


class RetryingExecutor(Executor):
    """An executor whose every call is retried while the database is unavailable (the
    retries run on the wrapped executor's thread, so they keep its connection)."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        # One policy for all calls (tenacity keeps a call's state per thread): making one
        # per call costs 19 us a call instead of 12.
        self.policy = retrying()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self.inner.submit(self.policy, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)
