"""WebSocket URL patterns (``builder.asgi`` wraps them in the session's AuthMiddlewareStack)."""

from __future__ import annotations

from django.urls import URLPattern, path

from builder.consumers.auth import ApiKeyAuthMiddleware
from builder.consumers.inbox import InboxConsumer
from builder.consumers.thread import ThreadConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/threads/<str:thread_id>/", ApiKeyAuthMiddleware(ThreadConsumer.as_asgi())),
    path("ws/inbox/", ApiKeyAuthMiddleware(InboxConsumer.as_asgi())),
]
