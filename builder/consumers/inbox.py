"""``/ws/inbox/``: the interrupts waiting for this user's review, kept up to date.

Sends ``{"type": "inbox", "items": [...]}`` (the whole list, see
``builder.selectors.review.inbox_items``) on connect and whenever it changes. It follows
``workspace.<id>.inbox`` for each workspace where the user may review; the event service
publishes there when a thread's status may have changed. Workspaces the user joins after
connecting appear on the next connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async

from builder.consumers.base import SocketConsumer
from builder.consumers.hub import get_hub
from builder.selectors.review import inbox_items, review_workspace_ids
from builder.services.events import inbox_group

# Several status changes in a burst (a run finishing, the next starting) make one query.
DEBOUNCE_SECONDS = 0.05


class InboxConsumer(SocketConsumer):
    workspace_ids: list[int] | None = None
    _items: list[dict[str, Any]] | None = None
    _refresh: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        if not self.authenticated:
            await self.refuse()
            return
        self.workspace_ids = await database_sync_to_async(review_workspace_ids)(
            self.user, self.api_key
        )
        await self.accept()
        hub = get_hub()
        for workspace_id in self.workspace_ids:
            await hub.join(inbox_group(workspace_id), self)
        await self._send_items()

    async def disconnect(self, code: int) -> None:
        if self._refresh is not None:
            self._refresh.cancel()
        hub = get_hub()
        for workspace_id in self.workspace_ids or ():
            await hub.leave(inbox_group(workspace_id), self)

    async def hub_message(self, message: dict[str, Any]) -> None:
        if message.get("type") == "inbox.changed" and self._refresh is None:
            self._refresh = asyncio.ensure_future(self._refresh_soon())

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        request_id = content.get("request_id") if isinstance(content, dict) else None
        await self.send_json({"type": "pong", "request_id": request_id})

    async def _refresh_soon(self) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        self._refresh = None
        await self._send_items()

    async def _send_items(self) -> None:
        items = await database_sync_to_async(inbox_items)(self.workspace_ids or [])
        if items != self._items:
            self._items = items
            await self.send_json({"type": "inbox", "items": items})
