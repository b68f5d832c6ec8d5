"""Ids: checkpoint ids that sort by time, and deterministic task and interrupt ids."""

from __future__ import annotations

import hashlib
import os
import threading
import time

_lock = threading.Lock()
_last = 0


def checkpoint_id() -> str:
    """A UUID-shaped id whose string order is creation order (within and across processes).

    The top 64 bits are nanoseconds since the epoch (forced strictly increasing in this
    process), the rest random, so ids from different processes do not collide.
    """
    global _last
    with _lock:
        now = time.time_ns()
        if now <= _last:
            now = _last + 1
        _last = now
    h = f"{now:016x}{os.urandom(8).hex()}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _digest(*parts: str) -> str:
    h = hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def task_id(checkpoint: str, ns: str, step: int, name: str, path: str) -> str:
    """The same task of the same checkpoint always gets the same id (so writes match up)."""
    return _digest(checkpoint, ns, str(step), name, path)


def interrupt_id(task_ns: str, index: int) -> str:
    """The id of the ``index``-th ``interrupt()`` call of a task."""
    return hashlib.blake2b(f"{task_ns}#{index}".encode(), digest_size=16).hexdigest()
