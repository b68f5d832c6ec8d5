"""The store: long-term memory shared across threads, by namespace and key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Item:
    """A stored value with where it lives and when it changed (ISO timestamps)."""

    namespace: tuple[str, ...]
    key: str
    value: dict[str, Any]
    created_at: str
    updated_at: str
    score: float | None = None

    def dict(self) -> dict[str, Any]:
        return {
            "namespace": list(self.namespace),
            "key": self.key,
            "value": self.value,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "score": self.score,
        }


SearchItem = Item


def check_namespace(namespace: Sequence[str]) -> tuple[str, ...]:
    """Validate a namespace: a non-empty tuple of non-empty strings without dots."""
    ns = tuple(namespace)
    if not ns:
        raise ValueError("a store namespace needs at least one label")
    for label in ns:
        if not isinstance(label, str) or not label:
            raise ValueError(f"store namespace labels must be non-empty strings, got {label!r}")
        if "." in label:
            raise ValueError(f"store namespace label {label!r} must not contain '.'")
    return ns


_FILTER_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": lambda a, b: a == b,
    "$ne": lambda a, b: a != b,
    "$gt": lambda a, b: a is not None and a > b,
    "$gte": lambda a, b: a is not None and a >= b,
    "$lt": lambda a, b: a is not None and a < b,
    "$lte": lambda a, b: a is not None and a <= b,
}
FILTER_OPERATORS = frozenset(_FILTER_OPERATORS)


def _operators(cond: Any) -> dict[str, Any] | None:
    """``cond`` as operators (a non-empty dict whose keys all start with ``$``), or None
    when it is a value to compare for equality."""
    if isinstance(cond, dict) and cond and all(str(k).startswith("$") for k in cond):
        return cond
    return None


def filter_problems(filter: dict[str, Any] | None) -> dict[str, str]:
    """What is wrong with a search filter, by top-level key (empty when nothing is):
    an operator that :func:`matches_filter` does not know."""
    problems: dict[str, str] = {}
    for key, cond in (filter or {}).items():
        unknown = sorted(op for op in _operators(cond) or () if op not in FILTER_OPERATORS)
        if unknown:
            problems[key] = (
                f"unknown filter operator {unknown[0]!r}; "
                f"use one of {', '.join(sorted(FILTER_OPERATORS))}"
            )
    return problems


def check_filter(filter: dict[str, Any] | None) -> None:
    """Raise ValueError for a filter with an unknown operator, before any item is read
    (so that a bad filter fails the same on an empty store as on a full one)."""
    problems = filter_problems(filter)
    if problems:
        raise ValueError("; ".join(f"filter key {k!r}: {m}" for k, m in problems.items()))


def matches_filter(value: dict[str, Any], filter: dict[str, Any] | None) -> bool:
    """Equality on top-level keys; ``{"$eq"|"$ne"|"$gt"|"$gte"|"$lt"|"$lte": x}`` operators.

    Raises ValueError for an unknown operator (:func:`check_filter` finds them first)."""
    if not filter:
        return True
    for key, cond in filter.items():
        actual = value.get(key)
        ops = _operators(cond)
        if ops is not None:
            for op, expected in ops.items():
                compare = _FILTER_OPERATORS.get(op)
                if compare is None:
                    raise ValueError(f"unknown filter operator {op!r} for key {key!r}")
                try:
                    ok = compare(actual, expected)
                except TypeError:
                    ok = False
                if not ok:
                    return False
        elif actual != cond:
            return False
    return True


class BaseStore:
    """Key-value items under hierarchical namespaces, searchable by namespace prefix."""

    def put(
        self, namespace: Sequence[str], key: str, value: dict[str, Any], index: Any = None
    ) -> None:
        """Create or replace an item."""
        raise NotImplementedError

    def get(self, namespace: Sequence[str], key: str) -> Item | None:
        """The item, or None."""
        raise NotImplementedError

    def delete(self, namespace: Sequence[str], key: str) -> None:
        """Delete an item (no error if it is absent)."""
        raise NotImplementedError

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
        """Items whose namespace starts with ``namespace_prefix``, newest update first."""
        raise NotImplementedError

    def list_namespaces(
        self,
        *,
        prefix: Sequence[str] | None = None,
        suffix: Sequence[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        """Distinct namespaces (truncated to ``max_depth``), sorted."""
        raise NotImplementedError

    async def aput(self, namespace, key, value, index=None):
        return await asyncio.to_thread(self.put, namespace, key, value, index)

    async def aget(self, namespace, key):
        return await asyncio.to_thread(self.get, namespace, key)

    async def adelete(self, namespace, key):
        return await asyncio.to_thread(self.delete, namespace, key)

    async def asearch(self, namespace_prefix, /, **kwargs):
        return await asyncio.to_thread(lambda: self.search(namespace_prefix, **kwargs))

    async def alist_namespaces(self, **kwargs):
        return await asyncio.to_thread(lambda: self.list_namespaces(**kwargs))


def select_namespaces(
    namespaces: Sequence[tuple[str, ...]],
    prefix: Sequence[str] | None,
    suffix: Sequence[str] | None,
    max_depth: int | None,
    limit: int,
    offset: int,
) -> list[tuple[str, ...]]:
    """Shared filtering for ``list_namespaces`` implementations (``*`` matches any label)."""

    def match(ns: tuple[str, ...], pattern: Sequence[str], at_end: bool) -> bool:
        if len(pattern) > len(ns):
            return False
        part = ns[-len(pattern) :] if at_end else ns[: len(pattern)]
        return all(p == "*" or p == n for p, n in zip(pattern, part, strict=True))

    out = set()
    for ns in namespaces:
        if prefix and not match(ns, prefix, False):
            continue
        if suffix and not match(ns, suffix, True):
            continue
        out.add(ns[:max_depth] if max_depth is not None else ns)
    return sorted(out)[offset : offset + limit]
