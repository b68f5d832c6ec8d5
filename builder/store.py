"""``DjangoStore``: the engine's long-term memory store on the project database.

Items are scoped to a workspace (``workspace=None`` is a global store, used by code that
runs the engine outside any workspace). Values are kept in serde's tagged JSON form so
datetimes and the like come back as they went in, like the in-memory store.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.checkpointer.saver import closing_connections
from builder.models import NAMESPACE_SEPARATOR, StoreItem, Workspace
from runtime.checkpoint import serde
from runtime.store.base import (
    BaseStore,
    Item,
    check_filter,
    check_namespace,
    matches_filter,
    select_namespaces,
)


def join_namespace(namespace: Sequence[str]) -> str:
    return NAMESPACE_SEPARATOR.join(namespace)


def split_namespace(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(NAMESPACE_SEPARATOR))


class DjangoStore(BaseStore):
    """StoreItem rows of one workspace (or the global store)."""

    def __init__(
        self, workspace: Workspace | int | None = None, executor: Executor | None = None
    ) -> None:
        """``executor``: where the async methods run the ORM (see DjangoCheckpointer)."""
        self.workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
        self._executor = executor

    async def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._executor is None:
            return await asyncio.to_thread(closing_connections, fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    async def aput(self, namespace, key, value, index=None):
        return await self._call(self.put, namespace, key, value, index)

    async def aget(self, namespace, key):
        return await self._call(self.get, namespace, key)

    async def adelete(self, namespace, key):
        return await self._call(self.delete, namespace, key)

    async def asearch(self, namespace_prefix, /, **kwargs):
        return await self._call(self.search, namespace_prefix, **kwargs)

    async def alist_namespaces(self, **kwargs):
        return await self._call(self.list_namespaces, **kwargs)

    def _items(self) -> Any:
        return StoreItem.objects.filter(workspace_id=self.workspace_id)

    def put(
        self, namespace: Sequence[str], key: str, value: dict[str, Any], index: Any = None
    ) -> None:
        """Create or replace an item (``index`` is accepted for API parity and ignored:
        there is no vector search)."""
        ns = check_namespace(namespace)
        if not isinstance(value, dict):
            raise TypeError(f"store values must be dicts, got {type(value).__name__}")
        stored = json.loads(serde.dumps(value))
        joined = join_namespace(ns)
        with transaction.atomic():
            # Lock-free upsert would need per-database SQL; update-then-create inside a
            # transaction is enough because the unique constraint settles any race.
            updated = (
                self._items()
                .filter(namespace=joined, key=key)
                .update(value=stored, updated_at=timezone.now())
            )
            if not updated:
                StoreItem.objects.create(
                    workspace_id=self.workspace_id,
                    namespace=joined,
                    namespace_prefix=joined + NAMESPACE_SEPARATOR,
                    key=key,
                    value=stored,
                )

    def get(self, namespace: Sequence[str], key: str) -> Item | None:
        row = self._items().filter(namespace=join_namespace(namespace), key=key).first()
        return _item(row) if row is not None else None

    def delete(self, namespace: Sequence[str], key: str) -> None:
        self._items().filter(namespace=join_namespace(namespace), key=key).delete()

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
        """Items under the prefix, newest update first; ``filter`` as in the base store,
        ``query`` a case-insensitive substring of the value's JSON. Raises ValueError for
        a filter with an unknown operator, whatever the items are."""
        check_filter(filter)
        rows = self._items()
        prefix = tuple(namespace_prefix)
        if prefix:
            rows = rows.filter(
                namespace_prefix__startswith=join_namespace(prefix) + NAMESPACE_SEPARATOR
            )
        rows = rows.order_by("-updated_at", "namespace", "key")
        if not filter and not query:
            return [_item(r) for r in rows[offset : offset + limit]]
        items = [_item(r) for r in rows.iterator(chunk_size=500)]
        items = [i for i in items if matches_filter(i.value, filter)]
        if query:
            needle = query.lower()
            items = [i for i in items if needle in serde.dumps(i.value).lower()]
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
        rows = self._items()
        if prefix and "*" not in prefix:
            rows = rows.filter(
                namespace_prefix__startswith=join_namespace(prefix) + NAMESPACE_SEPARATOR
            )
        namespaces = [
            split_namespace(ns) for ns in rows.values_list("namespace", flat=True).distinct()
        ]
        return select_namespaces(namespaces, prefix, suffix, max_depth, limit, offset)


def _item(row: StoreItem) -> Item:
    return Item(
        namespace=split_namespace(row.namespace),
        key=row.key,
        value=serde.loads(json.dumps(row.value)),
        created_at=row.created_at.isoformat(),
        updated_at=row.updated_at.isoformat(),
    )
