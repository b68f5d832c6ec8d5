"""The per-process fan-out: one channel-layer subscription per group, shared by sockets.

Without it every socket would join ``thread.<id>`` itself and the channel layer would
carry (and, with Redis, serialise and push) one copy of every event per viewer. Here the
first socket of this process that follows a group makes the process subscribe one
channel to it; each message is decoded and JSON-encoded once and handed to every local
socket; the last socket to leave unsubscribes.

Token chunks (``messages`` events) are coalesced here, per thread and process: they are
held for ``COALESCE_SECONDS`` and then written to the sockets together (as consecutive
frames, which the server flushes in one write, or as one ``batch`` frame for sockets
that asked for it). Any other event flushes what is held first, so order is kept.

Presence rides on the same subscription (see ``builder.services.presence``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
import socket
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from channels import DEFAULT_CHANNEL_LAYER
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer

from builder.selectors.review import events_page
from builder.services import presence

logger = logging.getLogger(__name__)

COALESCE_SECONDS = 0.04
# channels_redis forgets group members after a day (group_expiry); re-join well before.
GROUP_REFRESH_SECONDS = 3600.0
# The in-memory layer is fed from executor threads through their own event loops, which
# do not wake this one; a short tick bounds the delay that causes (embedded mode only).
IN_MEMORY_TICK_SECONDS = 0.02


@dataclass
class Delivery:
    """Events (in seq order) handed to every local socket of a group, encoded once."""

    events: list[dict[str, Any]]
    texts: list[str]

    @cached_property
    def batch_text(self) -> str:
        # Built from the already-encoded events: no second encoding per delivery.
        return '{"type":"batch","events":[' + ",".join(self.texts) + "]}"


class Listener:
    """What a socket implements to follow a group (all optional)."""

    async def hub_events(self, delivery: Delivery) -> None:
        return None

    async def hub_presence(self, viewers: list[str]) -> None:
        return None

    async def hub_message(self, message: dict[str, Any]) -> None:
        return None


@dataclass(eq=False)
class _Feed:
    """One group followed by this process."""

    group: str
    channel: str
    book: presence.PresenceBook | None
    listeners: dict[Listener, str] = field(default_factory=dict)
    held: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    inbox: deque[dict[str, Any]] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    flush_scheduled: bool = False
    shown: list[str] = field(default_factory=list)
    remote: concurrent.futures.Future[None] | None = None
    # The highest seq handed out (thread groups); None until the first event arrives.
    last_seq: int | None = None

    @property
    def thread_id(self) -> str | None:
        prefix = "thread."
        return self.group[len(prefix) :] if self.group.startswith(prefix) else None


class _RemoteReader:
    """Receives from a Redis layer in a thread of its own.

    channels_redis takes two round trips per message; on the server's loop each waits
    behind whatever delivery is running (200 frames take milliseconds), which capped the
    intake near 50 messages/s and let latency grow. Here the intake never waits for
    delivery. It has its own layer instance: redis connections belong to one loop.
    """

    def __init__(self) -> None:
        self.layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="hub-reader", daemon=True).start()

    def follow(
        self, channel: str, arrive: Callable[[dict[str, Any]], None]
    ) -> concurrent.futures.Future[None]:
        return asyncio.run_coroutine_threadsafe(self._receive(channel, arrive), self.loop)

    async def _receive(self, channel: str, arrive: Callable[[dict[str, Any]], None]) -> None:
        while True:
            try:
                arrive(await self.layer.receive(channel))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("fan-out: receiving on %s failed", channel)
                await asyncio.sleep(0.1)


class Hub:
    """The registry of followed groups of one process (one per event loop)."""

    def __init__(self, layer: Any = None) -> None:
        self.layer = layer or get_channel_layer()
        self.process_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.feeds: dict[str, _Feed] = {}
        self._lock = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None
        self._remote: _RemoteReader | None = None

    # --- joining and leaving ----------------------------------------------------------

    async def join(
        self, group: str, listener: Listener, username: str = "", *, presence: bool = False
    ) -> None:
        """Follow ``group``; returns once the process is subscribed (so a replay read
        after this call cannot miss an event published meanwhile)."""
        async with self._lock:
            feed = self.feeds.get(group)
            if feed is None:
                feed = await self._open(group, presence)
            feed.listeners[listener] = username
            if feed.book is not None:
                before = feed.shown
                await self._local_viewers_changed(feed, hello=len(feed.listeners) == 1)
                if feed.shown is before:  # nobody was told: tell the newcomer at least
                    await self._safe(listener.hub_presence(feed.shown))

    async def leave(self, group: str, listener: Listener) -> None:
        async with self._lock:
            feed = self.feeds.get(group)
            if feed is None or feed.listeners.pop(listener, None) is None:
                return
            if feed.listeners:
                if feed.book is not None:
                    await self._local_viewers_changed(feed, hello=False)
                return
            del self.feeds[group]
            await self._close(feed)

    async def _open(self, group: str, presence_on: bool) -> _Feed:
        remote = self._remote_reader()
        channel = await (remote or self).layer.new_channel(prefix="hub.")
        await self.layer.group_add(group, channel)
        book = presence.PresenceBook(self.process_id) if presence_on else None
        feed = _Feed(group=group, channel=channel, book=book)
        if remote is not None:
            feed.remote = remote.follow(feed.channel, self._arrival(feed))
        else:
            feed.tasks.append(asyncio.create_task(self._read(feed)))
        feed.tasks.append(asyncio.create_task(self._dispatch(feed)))
        feed.tasks.append(asyncio.create_task(self._upkeep(feed)))
        self.feeds[group] = feed
        if isinstance(self.layer, InMemoryChannelLayer) and self._ticker is None:
            self._ticker = asyncio.create_task(self._tick())
        return feed

    async def _close(self, feed: _Feed) -> None:
        for task in feed.tasks:
            task.cancel()
        if feed.remote is not None:
            feed.remote.cancel()
        try:
            if feed.book is not None:
                await self._announce(feed, [], hello=False)
            await self.layer.group_discard(feed.group, feed.channel)
        except Exception:  # the layer may be gone at shutdown; membership expires anyway
            logger.warning("leaving %s failed", feed.group, exc_info=True)

    # --- reading the group ------------------------------------------------------------

    def _remote_reader(self) -> _RemoteReader | None:
        if isinstance(self.layer, InMemoryChannelLayer):
            return None  # its queues belong to this loop
        if self._remote is None:
            self._remote = _RemoteReader()
        return self._remote

    def _arrival(self, feed: _Feed) -> Callable[[dict[str, Any]], None]:
        loop = asyncio.get_running_loop()

        def arrive(message: dict[str, Any]) -> None:  # in the reader thread
            loop.call_soon_threadsafe(self._arrive, feed, message)

        return arrive

    @staticmethod
    def _arrive(feed: _Feed, message: dict[str, Any]) -> None:
        feed.inbox.append(message)
        feed.wake.set()

    async def _read(self, feed: _Feed) -> None:
        """Take messages off the layer as fast as they come, into a local queue.

        Delivery runs in its own task: if it falls behind (a burst, a busy CPU), the
        backlog waits here in memory instead of in the layer, whose per-channel capacity
        (100 messages by default) would otherwise drop the overflow silently.
        """
        while True:
            try:
                message = await self.layer.receive(feed.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("fan-out of %s: receiving failed", feed.group)
                await asyncio.sleep(0.1)  # a broken layer must not spin the CPU
                continue
            feed.inbox.append(message)
            feed.wake.set()

    async def _dispatch(self, feed: _Feed) -> None:
        while True:
            await feed.wake.wait()
            feed.wake.clear()
            while feed.inbox:
                try:
                    await self._handle(feed, self._take(feed))
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception("fan-out of %s: a message failed", feed.group)

    @staticmethod
    def _take(feed: _Feed) -> dict[str, Any]:
        """The next message; consecutive event messages waiting together are merged, so a
        backlog goes out as fewer, larger deliveries (one frame each to batch sockets)."""
        message = feed.inbox.popleft()
        if message.get("type") != "thread.events":
            return message
        events = list(message.get("events") or [])
        while feed.inbox and feed.inbox[0].get("type") == "thread.events":
            events.extend(feed.inbox.popleft().get("events") or [])
        return {"type": "thread.events", "events": events}

    async def _handle(self, feed: _Feed, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "thread.events":
            await self._events(feed, message.get("events") or [])
        elif kind == presence.ANNOUNCE_TYPE and feed.book is not None:
            await self._heard(feed, message)
        else:
            for listener in list(feed.listeners):
                await self._safe(listener.hub_message(message))

    async def _in_order(self, feed: _Feed, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Drop repeats and fill gaps once here, for all the process's sockets.

        A gap means the layer lost or reordered a message (channels_redis drops what
        overflows a channel; two processes may publish in another order than they
        committed). Filling it per socket would cost one query per viewer.
        """
        out: list[dict[str, Any]] = []
        for event in events:
            seq = event.get("seq")
            if isinstance(seq, int) and feed.last_seq is not None:
                if seq <= feed.last_seq:
                    continue
                if seq > feed.last_seq + 1 and feed.thread_id:
                    out.extend(
                        await database_sync_to_async(events_page)(
                            feed.thread_id, feed.last_seq, seq
                        )
                    )
            out.append(event)
            if isinstance(seq, int):
                feed.last_seq = seq
        return out

    async def _events(self, feed: _Feed, events: list[dict[str, Any]]) -> None:
        async with feed.lock:
            ready: list[tuple[dict[str, Any], str]] = []
            for event in await self._in_order(feed, events):
                item = (event, json.dumps(event, separators=(",", ":")))
                if event.get("type") == "messages":
                    feed.held.append(item)
                else:
                    ready.extend(feed.held)
                    feed.held.clear()
                    ready.append(item)
            if ready:
                await self._deliver(feed, ready)
            if feed.held and not feed.flush_scheduled:
                feed.flush_scheduled = True
                asyncio.get_running_loop().call_later(
                    COALESCE_SECONDS, lambda: asyncio.ensure_future(self._flush(feed))
                )

    async def _flush(self, feed: _Feed) -> None:
        async with feed.lock:
            feed.flush_scheduled = False
            items, feed.held = feed.held, []
            if items and self.feeds.get(feed.group) is feed:
                await self._deliver(feed, items)

    async def _deliver(self, feed: _Feed, items: list[tuple[dict[str, Any], str]]) -> None:
        delivery = Delivery([e for e, _ in items], [t for _, t in items])
        for listener in list(feed.listeners):
            await self._safe(listener.hub_events(delivery))

    # --- presence -----------------------------------------------------------------------

    async def _local_viewers_changed(self, feed: _Feed, *, hello: bool) -> None:
        assert feed.book is not None
        feed.book.local = sorted(set(feed.listeners.values()) - {""})
        await self._announce(feed, feed.book.local, hello=hello)
        await self._show(feed)

    async def _heard(self, feed: _Feed, message: dict[str, Any]) -> None:
        assert feed.book is not None
        if message.get("process") == self.process_id:
            return
        feed.book.hear(str(message.get("process")), list(message.get("viewers") or []))
        if message.get("hello") and feed.book.local:
            await self._announce(feed, feed.book.local, hello=False)
        await self._show(feed)

    async def _announce(self, feed: _Feed, viewers: list[str], *, hello: bool) -> None:
        msg = presence.presence_message(self.process_id, viewers, hello=hello)
        try:
            await self.layer.group_send(feed.group, msg)
        except Exception:
            logger.warning("announcing presence on %s failed", feed.group, exc_info=True)

    async def _show(self, feed: _Feed) -> None:
        """Tell local sockets who is viewing, when that changed."""
        assert feed.book is not None
        viewers = feed.book.viewers()
        if viewers == feed.shown:
            return
        feed.shown = viewers
        for listener in list(feed.listeners):
            await self._safe(listener.hub_presence(viewers))

    async def _upkeep(self, feed: _Feed) -> None:
        """Re-announce presence, forget silent processes, renew the group membership."""
        joined_at = time.monotonic()
        while True:
            await asyncio.sleep(presence.REFRESH_SECONDS)
            if feed.book is not None:
                feed.book.expire()
                await self._announce(feed, feed.book.local, hello=False)
                await self._show(feed)
            if time.monotonic() - joined_at > GROUP_REFRESH_SECONDS:
                await self.layer.group_add(feed.group, feed.channel)
                joined_at = time.monotonic()

    async def _tick(self) -> None:
        while self.feeds:
            await asyncio.sleep(IN_MEMORY_TICK_SECONDS)
        self._ticker = None

    @staticmethod
    async def _safe(awaitable: Any) -> None:
        # One broken socket must not stop the others from getting the event.
        try:
            await awaitable
        except Exception:
            logger.exception("a websocket listener failed")


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """This process's hub (per event loop: asyncio objects cannot cross loops)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
    return hub
