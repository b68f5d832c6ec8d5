"""``X-Api-Key`` for websockets: an ASGI middleware in front of the consumers.

Browsers authenticate with the session (``AuthMiddlewareStack`` in ``builder.asgi``);
scripts send ``X-Api-Key`` on the handshake. A key replaces the session user for that
connection and is kept in ``scope["api_key"]`` so workspace-limited keys stay limited.
A key that is unknown or revoked closes the socket with 4401 rather than falling back to
anonymous, so a script learns at once that its key is wrong. Session sockets opened from
a page of another site (``Origin`` not in ALLOWED_HOSTS) are closed with 4403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import validate_host

from builder.services.apikeys import apikey_authenticate

HEADER = b"x-api-key"
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


class ApiKeyAuthMiddleware:
    """Sets ``scope["user"]`` and ``scope["api_key"]`` from an ``X-Api-Key`` header."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        secret = header(scope, HEADER)
        if secret is None:
            if not _origin_allowed(header(scope, b"origin")):
                return await _refuse(receive, send, CLOSE_FORBIDDEN_ORIGIN)
            return await self.app({**scope, "api_key": None}, receive, send)
        key = await database_sync_to_async(apikey_authenticate)(secret)
        if key is None:
            return await _refuse(receive, send)
        return await self.app({**scope, "user": key.user, "api_key": key}, receive, send)


def _origin_allowed(origin: str | None) -> bool:
    """Whether a session-authenticated socket may be opened from ``origin``.

    Browsers send the session cookie with a websocket handshake from any site and always
    say which site in ``Origin``: without this check another site could act as the
    logged-in reviewer. Non-browser clients send no Origin (and use keys anyway).
    """
    if origin is None:
        return True
    host = urlsplit(origin).hostname
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


async def _refuse(receive: Any, send: Any, code: int = CLOSE_UNAUTHENTICATED) -> None:
    # Accept then close, so the client sees the 4401 code (a refused handshake is a
    # bare HTTP 403 to most clients).
    message = await receive()
    if message.get("type") != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code})
