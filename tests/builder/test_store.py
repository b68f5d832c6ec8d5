"""DjangoStore behaves like the runtime's InMemoryStore (the same checks run on both)."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.models import Workspace
from builder.store import DjangoStore
from runtime.store import InMemoryStore


@pytest.fixture(params=["memory", "django"])
def store(request):
    if request.param == "memory":
        return InMemoryStore()
    request.getfixturevalue("db")
    return DjangoStore(Workspace.objects.create(slug="s", name="S"))


def test_put_get_replace_delete(store):
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store.put(("users", "1"), "prefs", {"theme": "dark", "at": when})
    item = store.get(("users", "1"), "prefs")
    assert item is not None and item.value == {"theme": "dark", "at": when}
    assert item.namespace == ("users", "1")
    store.put(("users", "1"), "prefs", {"theme": "light"})
    again = store.get(["users", "1"], "prefs")
    assert again.value == {"theme": "light"} and again.created_at == item.created_at
    store.delete(("users", "1"), "prefs")
    store.delete(("users", "1"), "prefs")
    assert store.get(("users", "1"), "prefs") is None


def test_bad_namespaces_and_values_are_refused(store):
    with pytest.raises(ValueError):
        store.put(("a.b",), "k", {})
    with pytest.raises(ValueError):
        store.put((), "k", {})
    with pytest.raises(TypeError):
        store.put(("a",), "k", ["not", "a", "dict"])


def test_search_by_prefix_filter_query_and_paging(store):
    store.put(("docs", "a"), "1", {"kind": "note", "n": 1, "text": "Hello"})
    store.put(("docs", "a"), "2", {"kind": "todo", "n": 2})
    store.put(("docs", "ab"), "3", {"kind": "note", "n": 3})
    store.put(("other",), "4", {"kind": "note", "n": 4})
    assert {i.key for i in store.search(("docs", "a"))} == {"1", "2"}
    assert {i.key for i in store.search(("docs",))} == {"1", "2", "3"}
    assert len(store.search(())) == 4
    assert [i.key for i in store.search(("docs",), filter={"kind": "note"})] == ["3", "1"]
    assert [i.key for i in store.search(("docs",), filter={"n": {"$gte": 2}})] == ["3", "2"]
    assert [i.key for i in store.search(("docs",), query="hello")] == ["1"]
    assert [i.key for i in store.search(("docs",), limit=1, offset=1)] == ["2"]


def test_an_unknown_filter_operator_is_refused_before_any_item_is_read(store):
    with pytest.raises(ValueError, match=r"\$regex"):
        store.search(("docs",), filter={"kind": {"$regex": "n.*"}})
    store.put(("docs",), "1", {"kind": "note"})
    with pytest.raises(ValueError, match=r"\$regex"):
        store.search(("docs",), filter={"kind": {"$regex": "n.*"}})
    # A dict mixing operators and plain keys is a value to compare, as before.
    assert store.search(("docs",), filter={"kind": {"$regex": 1, "plain": 2}}) == []


def test_list_namespaces(store):
    for ns in [("a", "b", "c"), ("a", "b", "d"), ("a", "x"), ("z",)]:
        store.put(ns, "k", {})
    assert store.list_namespaces() == [("a", "b", "c"), ("a", "b", "d"), ("a", "x"), ("z",)]
    assert store.list_namespaces(prefix=("a", "b")) == [("a", "b", "c"), ("a", "b", "d")]
    assert store.list_namespaces(max_depth=1) == [("a",), ("z",)]
    assert store.list_namespaces(suffix=("*", "x")) == [("a", "x")]


@pytest.mark.django_db
def test_workspaces_do_not_see_each_other():
    one = DjangoStore(Workspace.objects.create(slug="one", name="1"))
    two = DjangoStore(Workspace.objects.create(slug="two", name="2"))
    glob = DjangoStore(None)
    one.put(("ns",), "k", {"who": 1})
    two.put(("ns",), "k", {"who": 2})
    glob.put(("ns",), "k", {"who": 0})
    assert [s.get(("ns",), "k").value["who"] for s in (one, two, glob)] == [1, 2, 0]
    assert len(one.search(("ns",))) == 1
