"""InMemoryStore: the reference store."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

from runtime.checkpoint import serde
from runtime.store.base import (
    BaseStore,
    Item,
    check_filter,
    check_namespace,
    matches_filter,
    select_namespaces,
)


class InMemoryStore(BaseStore):
    """Items in a dict; values are copied through serde so callers cannot mutate them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[tuple[str, ...], str], tuple[str, str, str]] = {}

    def put(
        self, namespace: Sequence[str], key: str, value: dict[str, Any], index: Any = None
    ) -> None:
        ns = check_namespace(namespace)
        if not isinstance(value, dict):
            raise TypeError(f"store values must be dicts, got {type(value).__name__}")
        now = dt.datetime.now(dt.UTC).isoformat()
        data = serde.dumps(value)
        with self._lock:
            old = self._items.get((ns, key))
            self._items[(ns, key)] = (data, old[1] if old else now, now)

    def get(self, namespace: Sequence[str], key: str) -> Item | None:
        ns = tuple(namespace)
        with self._lock:
            row = self._items.get((ns, key))
        if row is None:
            return None
        return Item(ns, key, serde.loads(row[0]), row[1], row[2])

    def delete(self, namespace: Sequence[str], key: str) -> None:
        with self._lock:
            self._items.pop((tuple(namespace), key), None)

    def search(
        self,
        namespace_prefix: Sequence[str],
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Item]:
        check_filter(filter)
        prefix = tuple(namespace_prefix)
        with self._lock:
            rows = [(k, v) for k, v in self._items.items() if k[0][: len(prefix)] == prefix]
        items = [Item(ns, key, serde.loads(data), c, u) for (ns, key), (data, c, u) in rows]
        items = [i for i in items if matches_filter(i.value, filter)]
        if query:
            q = query.lower()
            items = [i for i in items if q in serde.dumps(i.value).lower()]
        items.sort(key=lambda i: i.updated_at, reverse=True)
        return items[offset : offset + limit]

    def list_namespaces(
        self,
        *,
        prefix: Sequence[str] | None = None,
        suffix: Sequence[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        with self._lock:
            namespaces = [ns for ns, _ in self._items]
        return select_namespaces(namespaces, prefix, suffix, max_depth, limit, offset)
