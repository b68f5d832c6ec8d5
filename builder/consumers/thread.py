"""``/ws/threads/<thread_id>/?after_seq=N``: a thread's events live, and reviewer actions.

Server to client: the events after ``after_seq`` from the log, then live ones, each once
and in seq order (``builder.consumers.ordering``); ``{"type": "presence", "viewers"}``
when viewers come and go; ``ack``/``error`` replies to actions. With ``?batch=1`` the
coalesced token chunks arrive as one ``{"type": "batch", "events": [...]}`` frame.

Client to server: the actions of ``builder.services.review`` (resume, update_state, fork,
cancel, start_run), each answered with ``ack`` or ``error`` carrying its ``request_id``.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from builder.consumers.base import CLOSE_NOT_FOUND, SocketConsumer
from builder.consumers.hub import Delivery, get_hub
from builder.consumers.ordering import OrderedStream
from builder.eventlog import thread_group
from builder.selectors.review import ThreadAccess, events_page, thread_access
from builder.services.presence import presence_event
from builder.services.review import Reviewer, ReviewRefused, review_act

logger = logging.getLogger(__name__)


class ThreadConsumer(SocketConsumer):
    access: ThreadAccess | None = None
    stream: OrderedStream | None = None

    async def connect(self) -> None:
        if not self.authenticated:
            await self.refuse()
            return
        await self.follow_access()
        thread_id = self.scope["url_route"]["kwargs"]["thread_id"]
        self.access = await database_sync_to_async(thread_access)(
            self.user, self.api_key, thread_id
        )
        if self.access is None:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            after_seq = max(0, int(query.get("after_seq", ["0"])[0] or 0))
        except ValueError:
            after_seq = 0
        await self.accept()
        self.stream = OrderedStream(
            after_seq,
            database_sync_to_async(self._events_page),
            self._send_text,
            batch=query.get("batch", ["0"])[0] in ("1", "true"),
        )
        # Subscribe first, replay second: see builder.consumers.ordering.
        await get_hub().join(self.group, self, self.access.username, presence=True)
        await self.stream.start()
        await self.access_ready()

    async def disconnect(self, code: int) -> None:
        await self.stop_following()

    async def recheck_access(self) -> bool:
        assert self.access is not None
        access = await database_sync_to_async(thread_access)(
            self.user, self.api_key, self.access.thread_id
        )
        if access is not None:
            self.access = access  # a changed role (actions are re-checked anyway)
        return access is not None

    async def stop_following(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            stream.close()
            await get_hub().leave(self.group, self)

    @property
    def group(self) -> str:
        assert self.access is not None
        return thread_group(self.access.thread_id)

    def _events_page(self, after_seq: int, before_seq: int | None) -> list[dict[str, Any]]:
        assert self.access is not None
        return events_page(self.access.thread_id, after_seq, before_seq)

    async def _send_text(self, text: str) -> None:
        await self._frame_send({"type": "websocket.send", "text": text})

    @cached_property
    def _frame_send(self) -> Any:
        """The server's send, under channels' session wrapper when there is one.

        Event frames are the hot path (every viewer, every event) and the wrapper only
        acts on responses that set cookies, which a websocket frame never does; skipping
        it saves a tenth of the per-frame cost.
        """
        return getattr(getattr(self.base_send, "__self__", None), "real_send", self.base_send)

    # --- from the hub -----------------------------------------------------------------

    async def hub_events(self, delivery: Delivery) -> None:
        if self.stream is not None:
            await self.stream.push(delivery)

    async def hub_presence(self, viewers: list[str]) -> None:
        assert self.access is not None
        await self.send_json(presence_event(self.access.thread_id, viewers))

    # --- from the client --------------------------------------------------------------

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        assert self.access is not None
        request_id = content.get("request_id") if isinstance(content, dict) else None
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "request_id": request_id})
            return
        reviewer = Reviewer(self.user, self.api_key)
        try:
            ack = await database_sync_to_async(review_act)(
                thread_id=self.access.thread_id, reviewer=reviewer, message=content
            )
        except ReviewRefused as exc:
            await self.send_json({"type": "error", "request_id": request_id, "reason": str(exc)})
        except Exception:
            logger.exception("review action on thread %s failed", self.access.thread_id)
            reason = "The action failed on the server; it has been logged."
            await self.send_json({"type": "error", "request_id": request_id, "reason": reason})
        else:
            await self.send_json(ack)
