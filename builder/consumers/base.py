"""What both consumers share: who is calling, closing with a code, tolerant JSON input,
and following the caller's access while the socket is open."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from builder.consumers.auth import CLOSE_UNAUTHENTICATED
from builder.consumers.hub import Listener, get_hub
from builder.selectors.review import caller_reload
from builder.services.access import ACCESS_CHANGED, user_group

# Same code for "no such thread" and "not yours": nothing leaks about other workspaces.
CLOSE_NOT_FOUND = 4404
# An open socket whose caller lost access (removed from the workspace, key revoked,
# user deactivated): reconnecting will not help.
CLOSE_ACCESS_GONE = 4403


class SocketConsumer(AsyncJsonWebsocketConsumer, Listener):
    """Base of the consumers: refuse with a visible close code, parse JSON safely, and
    re-check access (``recheck_access``) whenever the caller's access may have changed."""

    # No channel (and no channel-layer receive loop) per socket: sockets get their
    # events from the process's hub, which holds the only subscription per group.
    channel_layer_alias = "__hub_only__"

    _access_group: str | None = None
    _access_ready = False
    _access_stale = False
    _access_task: asyncio.Task[None] | None = None

    @property
    def user(self) -> Any:
        return self.scope.get("user")

    @property
    def api_key(self) -> Any:
        return self.scope.get("api_key")

    @property
    def authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    async def refuse(self, code: int = CLOSE_UNAUTHENTICATED) -> None:
        # Accept first: a close before accepting is a bare HTTP 403 that hides the code.
        await self._unfollow_access()
        await self.accept()
        await self.close(code=code)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            content = json.loads(text_data if text_data is not None else (bytes_data or b""))
        except (ValueError, UnicodeDecodeError):
            await self.send_json({"type": "error", "request_id": None, "reason": "Send JSON."})
            return
        await self.receive_json(content)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return json.dumps(content, separators=(",", ":"))

    # --- following access ---------------------------------------------------------------

    async def follow_access(self) -> None:
        """Follow the caller's ``user.<id>`` group. Call it before access is first
        checked, so that a change committed after that check is always heard."""
        self._access_group = user_group(self.user.pk)
        await get_hub().join(self._access_group, self)

    async def access_ready(self) -> None:
        """The socket is set up: from now on a change runs ``recheck_access`` (and one
        heard while connecting runs it now)."""
        self._access_ready = True
        if self._access_stale:
            self._start_recheck()

    async def recheck_access(self) -> bool:
        """Re-check what the (reloaded) caller may follow; False closes the socket."""
        return True

    async def stop_following(self) -> None:
        """Leave the groups the socket forwards (on disconnect, and before a 4403 close)."""
        return None

    async def hub_message(self, message: dict[str, Any]) -> None:
        if message.get("type") == ACCESS_CHANGED:
            self._start_recheck()

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if self._access_task is not None:
            self._access_task.cancel()
        await self._unfollow_access()
        await super().websocket_disconnect(message)

    def _start_recheck(self) -> None:
        # Off the hub's dispatch task: the re-check queries the database and may leave
        # hub groups, which must not cancel the task it runs in.
        if not self._access_ready or (self._access_task and not self._access_task.done()):
            self._access_stale = True  # picked up by access_ready or the running loop
            return
        self._access_task = asyncio.ensure_future(self._recheck_until_settled())

    async def _recheck_until_settled(self) -> None:
        while True:
            self._access_stale = False
            caller = await database_sync_to_async(caller_reload)(self.user, self.api_key)
            allowed = caller is not None
            if caller is not None:
                # Later actions on this socket see the refreshed user and key as well.
                self.scope["user"], self.scope["api_key"] = caller
                allowed = await self.recheck_access()
            if not allowed:
                self._access_ready = False
                await self.stop_following()
                await self._unfollow_access()
                await self.close(code=CLOSE_ACCESS_GONE)
                return
            if not self._access_stale:
                return

    async def _unfollow_access(self) -> None:
        group, self._access_group = self._access_group, None
        if group is not None:
            await get_hub().leave(group, self)
