"""The store: put, get, delete, search by namespace prefix with filters, list namespaces."""

from __future__ import annotations

from typing import TypedDict

import pytest

from runtime import START, StateGraph, get_store
from runtime.store import InMemoryStore


def test_put_get_delete():
    store = InMemoryStore()
    store.put(("users", "ann"), "prefs", {"tone": "dry"})
    item = store.get(("users", "ann"), "prefs")
    assert (
        item.value == {"tone": "dry"} and item.namespace == ("users", "ann") and item.key == "prefs"
    )
    created = item.created_at
    store.put(("users", "ann"), "prefs", {"tone": "warm"})
    again = store.get(("users", "ann"), "prefs")
    assert again.value == {"tone": "warm"} and again.created_at == created
    store.delete(("users", "ann"), "prefs")
    assert store.get(("users", "ann"), "prefs") is None
    with pytest.raises(ValueError, match="namespace"):
        store.put((), "k", {})
    with pytest.raises(ValueError, match="'a.b'"):
        store.put(("a.b",), "k", {})


def test_search_prefix_filter_query_and_namespaces():
    store = InMemoryStore()
    store.put(("docs", "team1"), "a", {"kind": "note", "score": 3, "text": "Alpha release"})
    store.put(("docs", "team1"), "b", {"kind": "todo", "score": 7, "text": "beta"})
    store.put(("docs", "team2"), "c", {"kind": "note", "score": 9, "text": "gamma"})
    store.put(("other",), "d", {"kind": "note"})
    assert {i.key for i in store.search(("docs",))} == {"a", "b", "c"}
    assert {i.key for i in store.search(("docs",), filter={"kind": "note"})} == {"a", "c"}
    assert {i.key for i in store.search(("docs",), filter={"score": {"$gte": 7}})} == {"b", "c"}
    assert [i.key for i in store.search(("docs",), query="alpha")] == ["a"]
    assert len(store.search(("docs",), limit=2)) == 2
    assert store.list_namespaces() == [("docs", "team1"), ("docs", "team2"), ("other",)]
    assert store.list_namespaces(prefix=("docs",), max_depth=1) == [("docs",)]
    assert store.list_namespaces(suffix=("team2",)) == [("docs", "team2")]


def test_nodes_reach_the_store():
    class S(TypedDict):
        seen: str

    def remember(state):
        get_store().put(("memories",), "last", {"seen": state["seen"]})
        return {}

    store = InMemoryStore()
    g = StateGraph(S)
    g.add_node("remember", remember)
    g.add_edge(START, "remember")
    g.compile(store=store).invoke({"seen": "the sea"})
    assert store.get(("memories",), "last").value == {"seen": "the sea"}
