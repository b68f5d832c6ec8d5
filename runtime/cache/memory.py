"""A process-local cache (for tests, scripts and single-process servers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from runtime.cache.base import BaseCache, FullKey, Namespace


class InMemoryCache(BaseCache[Any]):
    """Values in a dict, expired lazily on read. ``clock`` is injectable for tests."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._data: dict[Namespace, dict[str, tuple[Any, float | None]]] = {}
        self._lock = threading.Lock()

    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, Any]:
        now = self._clock()
        out: dict[FullKey, Any] = {}
        with self._lock:
            for ns, key in keys:
                found = self._data.get(ns, {}).get(key)
                if found is None:
                    continue
                value, expires = found
                if expires is not None and expires <= now:
                    del self._data[ns][key]
                    continue
                out[(ns, key)] = value
        return out

    def set(self, pairs: Mapping[FullKey, tuple[Any, int | None]]) -> None:
        now = self._clock()
        with self._lock:
            for (ns, key), (value, ttl) in pairs.items():
                expires = None if ttl is None else now + ttl
                self._data.setdefault(ns, {})[key] = (value, expires)

    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        with self._lock:
            if namespaces is None:
                self._data.clear()
            else:
                for ns in namespaces:
                    self._data.pop(ns, None)
