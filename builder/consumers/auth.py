"""``X-Api-Key`` for websockets: an ASGI middleware in front of the consumers.

Browsers authenticate with the session (``AuthMiddlewareStack`` in ``builder.asgi``);
scripts send ``X-Api-Key`` on the handshake. A key replaces the session user for that
connection and is kept in ``scope["api_key"]`` so workspace-limited keys stay limited.
A key that is unknown or revoked closes the socket with 4401 rather than falling back to
anonymous, so a script learns at once that its key is wrong. Session sockets opened from
a page of another origin are closed with 4403: ``Origin`` must be the socket's own
origin (scheme, host and port, with a host in ALLOWED_HOSTS) or one of
CSRF_TRUSTED_ORIGINS, exactly.
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
            if not _origin_allowed(header(scope, b"origin"), scope):
                return await _refuse(receive, send, CLOSE_FORBIDDEN_ORIGIN)
            return await self.app({**scope, "api_key": None}, receive, send)
        key = await database_sync_to_async(apikey_authenticate)(secret)
        if key is None:
            return await _refuse(receive, send)
        return await self.app({**scope, "user": key.user, "api_key": key}, receive, send)


def _origin_allowed(origin: str | None, scope: dict[str, Any]) -> bool:
    """Whether a session-authenticated socket may be opened from ``origin``.

    Browsers send the session cookie with a websocket handshake from any site and always
    say which site in ``Origin``: without this check another site could act as the
    logged-in reviewer. Comparing the host alone would also let in another port or plain
    http on the same host, so scheme, host and port must all match.
    Non-browser clients send no Origin (and use keys anyway).
    """
    if origin is None:
        return True
    wanted = _origin_key(origin)
    if wanted is None:
        return False
    trusted = {_origin_key(o) for o in settings.CSRF_TRUSTED_ORIGINS}
    if wanted in trusted:
        return True
    host = header(scope, b"host")
    if host is None or not validate_host(wanted[1], settings.ALLOWED_HOSTS):
        return False
    return wanted == _origin_key(f"{_http_scheme(scope)}://{host}")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the default port filled in; None if malformed."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or _DEFAULT_PORTS[parts.scheme]


def _http_scheme(scope: dict[str, Any]) -> str:
    """The scheme the browser used: wss is https, as is TLS ended at a trusted proxy."""
    if scope.get("scheme") == "wss":
        return "https"
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        if header(scope, name) == proxy[1]:
            return "https"
    return "http"


async def _refuse(receive: Any, send: Any, code: int = CLOSE_UNAUTHENTICATED) -> None:
    # Accept then close, so the client sees the 4401 code (a refused handshake is a
    # bare HTTP 403 to most clients).
    message = await receive()
    if message.get("type") != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code})
