"""What both consumers share: who is calling, closing with a code, tolerant JSON input."""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from builder.consumers.auth import CLOSE_UNAUTHENTICATED
from builder.consumers.hub import Listener

# Same code for "no such thread" and "not yours": nothing leaks about other workspaces.
CLOSE_NOT_FOUND = 4404


class SocketConsumer(AsyncJsonWebsocketConsumer, Listener):
    """Base of the consumers: refuse with a visible close code, parse JSON safely."""

    # No channel (and no channel-layer receive loop) per socket: sockets get their
    # events from the process's hub, which holds the only subscription per group.
    channel_layer_alias = "__hub_only__"

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
