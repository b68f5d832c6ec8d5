"""``/ws/inbox/``: the interrupts waiting for this user's review, kept up to date.

Sends ``{"type": "inbox", "items": [...]}`` (the whole list, see
``builder.selectors.review.inbox_items``) on connect and whenever it changes. It follows
``workspace.<id>.inbox`` for each workspace where the user may review; the event service
publishes there when a thread's status may have changed. When the user's memberships
change, the socket follows the new set of workspaces and sends the list again; it closes
with 4403 only when the caller itself is gone (key revoked, user deactivated).
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async

from builder.consumers.base import SocketConsumer
from builder.consumers.hub import get_hub
from builder.eventlog import inbox_group
from builder.selectors.review import inbox_items, review_workspace_ids

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
        await self.follow_access()
        await self.accept()
        await self._follow(
            await database_sync_to_async(review_workspace_ids)(self.user, self.api_key)
        )
        await self._send_items()
        await self.access_ready()

    async def disconnect(self, code: int) -> None:
        await self.stop_following()

    async def stop_following(self) -> None:
        if self._refresh is not None:
            self._refresh.cancel()
        await self._follow([])

    async def recheck_access(self) -> bool:
        await self._follow(
            await database_sync_to_async(review_workspace_ids)(self.user, self.api_key)
        )
        await self._send_items()
        return True

    async def hub_message(self, message: dict[str, Any]) -> None:
        if message.get("type") == "inbox.changed":
            if self._refresh is None:
                self._refresh = asyncio.ensure_future(self._refresh_soon())
            return
        await super().hub_message(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        request_id = content.get("request_id") if isinstance(content, dict) else None
        await self.send_json({"type": "pong", "request_id": request_id})

    async def _follow(self, workspace_ids: list[int]) -> None:
        """Follow exactly these workspaces' inbox groups."""
        hub = get_hub()
        before = set(self.workspace_ids or ())
        self.workspace_ids = workspace_ids
        for workspace_id in before - set(workspace_ids):
            await hub.leave(inbox_group(workspace_id), self)
        for workspace_id in workspace_ids:
            if workspace_id not in before:
                await hub.join(inbox_group(workspace_id), self)

    async def _refresh_soon(self) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        self._refresh = None
        await self._send_items()

    async def _send_items(self) -> None:
        items = await database_sync_to_async(inbox_items)(self.workspace_ids or [])
        if items != self._items:
            self._items = items
            await self.send_json({"type": "inbox", "items": items})
