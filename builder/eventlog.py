"""The per-thread event log: ordered RunEvent rows, published after commit.

Sequence numbers come from ``Thread.next_event_seq``, advanced with an F() update inside
the same transaction as the inserts: the row lock (Postgres) or the write lock (SQLite)
makes the allocation atomic across processes, so seqs are gapless and strictly ordered in
commit order per thread, which is what lets websocket and SSE clients resume from a seq.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.db.models import F

from builder.eventtypes import event_data
from builder.models import RunEvent, Thread

logger = logging.getLogger(__name__)


def thread_group(thread_id: UUID | str) -> str:
    """The channel layer group that receives a thread's events."""
    return f"thread.{thread_id}"


def inbox_group(workspace_id: int) -> str:
    """The channel layer group told when a thread of the workspace may need review."""
    return f"workspace.{workspace_id}.inbox"


# Recorded with every change of a thread's status, so the inbox hears of those changes
# without each service that sets a status having to publish separately.
INBOX_EVENT_TYPES = frozenset(
    {
        "run.created",
        "run.finished",
        "run.failed",
        "run.cancelled",
        "thread.status",
        "state.updated",
        "review.resolved",
    }
)


def event_as_dict(event: RunEvent) -> dict[str, Any]:
    """The wire form shared by websockets, SSE and the API."""
    return {
        "type": event.type,
        "seq": event.seq,
        "thread_id": str(event.thread_id),
        "run_id": str(event.run_id) if event.run_id else None,
        "ts": event.created_at.isoformat(),
        "data": event.payload,
    }


def events_record(
    thread_id: UUID | str,
    run_id: UUID | str | None,
    events: Sequence[tuple[str, Any]],
) -> list[RunEvent]:
    """Persist ``(type, data)`` events in order and publish them once committed."""
    if not events:
        return []
    with transaction.atomic():
        updated = Thread.objects.filter(pk=thread_id).update(
            next_event_seq=F("next_event_seq") + len(events)
        )
        if not updated:
            raise Thread.DoesNotExist(f"thread {thread_id} does not exist")
        end, workspace_id = (
            Thread.objects.filter(pk=thread_id).values_list("next_event_seq", "workspace_id").get()
        )
        first = end - len(events)
        rows = RunEvent.objects.bulk_create(
            [
                RunEvent(thread_id=thread_id, run_id=run_id, seq=first + i, type=t, payload=data)
                for i, (t, data) in enumerate(events)
            ]
        )
        wire = [event_as_dict(row) for row in rows]
        transaction.on_commit(lambda: _publish(thread_id, workspace_id, wire))
    return rows


def event_record(
    thread_id: UUID | str, run_id: UUID | str | None, type: str, data: Any = None
) -> RunEvent:
    """Persist one event, checked against its type's definition (builder.eventtypes); see
    ``events_record``."""
    checked = event_data(type, data if data is not None else {})
    return events_record(thread_id, run_id, [(type, checked)])[0]


def _publish(thread_id: UUID | str, workspace_id: int, events: list[dict[str, Any]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        send = _group_sender(layer)
        # One channel-layer message per committed batch (token chunks arrive in batches),
        # not per event: the websocket fan-out decodes it once per web process.
        send(thread_group(thread_id), {"type": "thread.events", "events": events})
        if any(event["type"] in INBOX_EVENT_TYPES for event in events):
            send(inbox_group(workspace_id), {"type": "inbox.changed", "thread_id": str(thread_id)})
    except Exception:  # the log is the source of truth; clients catch up from it
        logger.exception("publishing events of thread %s failed", thread_id)


def group_publish(group: str, message: dict[str, Any]) -> None:
    """Send ``message`` to a channel-layer group from sync code (call it after commit).

    A failure is logged, not raised: what is published is a hint to re-read the database.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        _group_sender(layer)(group, message)
    except Exception:
        logger.exception("publishing to %s failed", group)


_sender_loop: tuple[int, asyncio.AbstractEventLoop] | None = None
_sender_lock = threading.Lock()


def _group_sender(layer: Any) -> Callable[[str, dict[str, Any]], None]:
    """A blocking ``group_send`` for the thread that commits events.

    ``async_to_sync`` from a plain thread (a run's worker) makes a new event loop, and so
    a new Redis connection, per call: ~5 ms of CPU per publish. A Redis layer is instead
    driven by one long-lived loop thread per process (~0.5 ms). The in-memory layer must
    stay on the web server's loop, which ``async_to_sync`` finds when there is one.
    """
    if isinstance(layer, InMemoryChannelLayer):
        return async_to_sync(layer.group_send)
    global _sender_loop
    with _sender_lock:
        # Re-created after a fork (Celery's prefork children): threads do not survive it.
        if _sender_loop is None or _sender_loop[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="event-publisher", daemon=True).start()
            _sender_loop = (os.getpid(), loop)
        loop = _sender_loop[1]

    def send(group: str, message: dict[str, Any]) -> None:
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(30)

    return send
