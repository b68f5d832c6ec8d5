"""Who is viewing a thread, agreed between web processes through the channel layer.

Each web process knows its own viewers exactly (its sockets). It announces that list to
the thread's group when it changes and every ``REFRESH_SECONDS``; the other processes
keep what they heard for ``TTL_SECONDS``, so a process that died without saying goodbye
drops out within a minute. "Well enough" agreement, without a database write per join.
"""

from __future__ import annotations

import time
from typing import Any

REFRESH_SECONDS = 20.0
TTL_SECONDS = 60.0
ANNOUNCE_TYPE = "presence.announce"


class PresenceBook:
    """The viewers of one thread: this process's, plus what the others announced."""

    def __init__(self, process_id: str, ttl: float = TTL_SECONDS) -> None:
        self.process_id = process_id
        self.ttl = ttl
        self.local: list[str] = []
        self._remote: dict[str, tuple[list[str], float]] = {}

    def viewers(self, now: float | None = None) -> list[str]:
        """Distinct usernames, sorted, of everyone still known to be viewing."""
        now = time.monotonic() if now is None else now
        names = set(self.local)
        for viewers, expires in self._remote.values():
            if expires > now:
                names.update(viewers)
        return sorted(names)

    def hear(self, process_id: str, viewers: list[str], now: float | None = None) -> None:
        """Record another process's announcement (an empty list means it has none)."""
        if process_id == self.process_id:
            return
        now = time.monotonic() if now is None else now
        if viewers:
            self._remote[process_id] = ([str(v) for v in viewers], now + self.ttl)
        else:
            self._remote.pop(process_id, None)

    def expire(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._remote = {p: entry for p, entry in self._remote.items() if entry[1] > now}


def presence_message(process_id: str, viewers: list[str], *, hello: bool) -> dict[str, Any]:
    """The channel-layer message announcing a process's viewers of a thread.

    ``hello`` asks the other processes to answer with theirs (sent when a process starts
    following a thread, so a newcomer learns who is already there).
    """
    return {"type": ANNOUNCE_TYPE, "process": process_id, "viewers": viewers, "hello": hello}


def presence_event(thread_id: str, viewers: list[str]) -> dict[str, Any]:
    """What a thread socket receives (no seq: presence is not part of the event log)."""
    return {"type": "presence", "thread_id": thread_id, "viewers": viewers}
