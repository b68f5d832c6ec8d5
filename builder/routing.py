"""WebSocket URL patterns; consumers are added by the API work (``/ws/threads/<id>/``)."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
