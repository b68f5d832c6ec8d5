"""Per socket: the replay from the event log, then live events, in seq order, each once.

The socket subscribes before the replay is read, so a live event is either in the
replay or arrives afterwards (it is published only after it is committed). Live events
that arrive during the replay wait in ``pending``; those at or below the last seq sent
are dropped; a jump in seq (a message the channel layer dropped, or two processes
publishing out of commit order) is filled from the database before going on.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from builder.consumers.hub import Delivery

PAGE = 1000  # selectors.threads.events_after's page size

Fetch = Callable[[int, int | None], Awaitable[list[dict[str, Any]]]]
Send = Callable[[str], Awaitable[None]]


class OrderedStream:
    """Sends events to one socket in order; ``fetch(after, before)`` reads the log."""

    def __init__(self, after_seq: int, fetch: Fetch, send: Send, *, batch: bool = False) -> None:
        self.last_seq = after_seq
        self.fetch = fetch
        self.send = send
        self.batch = batch
        self._pending: deque[tuple[dict[str, Any], str | None]] = deque()
        # True while the replay or a gap fill runs: live events then wait in _pending.
        self._busy = True
        self._drainer: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Replay what was missed, then what arrived meanwhile; live from then on."""
        try:
            await self._fill(before=None)
            await self._drain_pending()
        finally:
            self._busy = False

    async def push(self, delivery: Delivery) -> None:
        """Live events from the hub (awaited by it, so keep the common case fast)."""
        events = delivery.events
        if self._busy:
            self._pending.extend(zip(events, delivery.texts, strict=True))
            return
        contiguous = all(e["seq"] == self.last_seq + 1 + i for i, e in enumerate(events))
        if contiguous:
            if self.batch and len(events) > 1:
                await self.send(delivery.batch_text)
            else:
                for text in delivery.texts:
                    await self.send(text)
            self.last_seq = events[-1]["seq"]
            return
        # Duplicates or a gap: sort it out off the hub's path (a gap means a query).
        self._pending.extend(zip(events, delivery.texts, strict=True))
        self._busy = True
        self._drainer = asyncio.ensure_future(self._drain())

    def close(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()

    async def _drain(self) -> None:
        try:
            await self._drain_pending()
        finally:
            self._busy = False

    async def _drain_pending(self) -> None:
        while self._pending:
            event, text = self._pending.popleft()
            seq = event["seq"]
            if seq <= self.last_seq:
                continue
            if seq > self.last_seq + 1:
                await self._fill(before=seq)
            await self.send(text or json.dumps(event))
            self.last_seq = seq

    async def _fill(self, before: int | None) -> None:
        """Send the logged events after ``last_seq`` (and below ``before``)."""
        while True:
            page = await self.fetch(self.last_seq, before)
            for event in page:
                if event["seq"] > self.last_seq:
                    await self.send(json.dumps(event))
                    self.last_seq = event["seq"]
            if len(page) < PAGE or (before is not None and self.last_seq >= before - 1):
                return
