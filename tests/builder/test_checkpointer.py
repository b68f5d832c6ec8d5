"""DjangoCheckpointer behaviour specific to the database (the shared conformance suite runs
in test_checkpointer_conformance.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from builder.checkpointer import DjangoCheckpointer
from builder.models import CheckpointBlob
from runtime.checkpoint.base import INTERRUPT, Blob, Checkpoint, make_config

pytestmark = pytest.mark.django_db


def _put_chain(saver: DjangoCheckpointer, thread: str, steps: int) -> list[str]:
    """A history where ``log`` grows by one item per step (stored as deltas) and
    ``counter`` and ``c0``..``c19`` are rewritten in full."""
    config = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
    ids: list[str] = []
    for step in range(steps):
        version = f"{step + 1:08d}"
        blobs = {"counter": Blob(version, "full", step)}
        if step == 0:
            blobs["log"] = Blob(version, "full", ["start"])
            blobs.update({f"c{i}": Blob(version, "full", i) for i in range(20)})
        else:
            blobs["log"] = Blob(version, "delta", [f"item{step}"], base=f"{step:08d}")
        versions = {"counter": version, "log": version}
        versions.update({f"c{i}": "00000001" for i in range(20)})
        checkpoint = Checkpoint(
            id=f"cp{step:04d}", ts=f"2026-01-01T00:00:{step:02d}", channel_versions=versions
        )
        config = saver.put(config, checkpoint, {"source": "loop", "step": step}, blobs)
        ids.append(checkpoint.id)
    return ids


def test_deltas_are_stored_as_deltas_and_materialised_in_order():
    saver = DjangoCheckpointer()
    _put_chain(saver, "t1", 5)
    kinds = list(
        CheckpointBlob.objects.filter(thread_id="t1", channel="log")
        .order_by("version")
        .values_list("kind", flat=True)
    )
    assert kinds == ["full", "delta", "delta", "delta", "delta"]
    latest = saver.get_tuple({"configurable": {"thread_id": "t1"}})
    assert latest is not None
    assert latest.checkpoint.channel_values["log"] == ["start", "item1", "item2", "item3", "item4"]
    assert latest.checkpoint.channel_values["counter"] == 4
    assert latest.parent_config == make_config("t1", "", "cp0003")


def test_reading_a_checkpoint_costs_a_fixed_number_of_queries():
    saver = DjangoCheckpointer()
    _put_chain(saver, "t2", 10)
    with CaptureQueriesContext(connection) as ctx:
        tup = saver.get_tuple({"configurable": {"thread_id": "t2"}})
    assert tup is not None and len(tup.checkpoint.channel_values) == 22
    # row, blobs, delta chain, writes: not one query per channel
    assert len(ctx.captured_queries) <= 4
    with CaptureQueriesContext(connection) as ctx:
        history = list(saver.list({"configurable": {"thread_id": "t2"}}, limit=10))
    assert [h.metadata["step"] for h in history] == list(range(9, -1, -1))
    assert len(ctx.captured_queries) <= 5


def test_metadata_filters_in_sql_and_in_python_and_before():
    saver = DjangoCheckpointer()
    ids = _put_chain(saver, "t3", 4)
    conf = {"configurable": {"thread_id": "t3"}}
    assert [t.checkpoint.id for t in saver.list(conf, filter={"step": 2})] == [ids[2]]
    assert [t.checkpoint.id for t in saver.list(conf, filter={"source": "input"})] == []
    before = make_config("t3", "", ids[2])
    assert [t.checkpoint.id for t in saver.list(conf, before=before)] == [ids[1], ids[0]]
    assert [t.checkpoint.id for t in saver.list(conf, before=before, limit=1)] == [ids[1]]


def test_metadata_keeps_non_json_values():
    saver = DjangoCheckpointer()
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    checkpoint = Checkpoint(id="a", ts="t", channel_versions={})
    saver.put({"configurable": {"thread_id": "t4"}}, checkpoint, {"at": when, "flag": True}, {})
    tup = saver.get_tuple({"configurable": {"thread_id": "t4"}})
    assert tup is not None and tup.metadata == {"at": when, "flag": True}
    conf = {"configurable": {"thread_id": "t4"}}
    assert len(list(saver.list(conf, filter={"flag": True}))) == 1
    assert len(list(saver.list(conf, filter={"flag": False}))) == 0


def test_special_writes_replace_and_ordinary_writes_are_kept_once():
    saver = DjangoCheckpointer()
    ids = _put_chain(saver, "t5", 1)
    conf = make_config("t5", "", ids[0])
    saver.put_writes(conf, [("counter", 1), ("log", ["x"])], "task-a")
    saver.put_writes(conf, [("counter", 99)], "task-a")
    saver.put_writes(conf, [(INTERRUPT, {"value": "first"})], "task-b")
    saver.put_writes(conf, [(INTERRUPT, {"value": "second"})], "task-b")
    tup = saver.get_tuple(conf)
    assert tup is not None
    assert tup.pending_writes == [
        ("task-a", "counter", 1),
        ("task-a", "log", ["x"]),
        ("task-b", INTERRUPT, {"value": "second"}),
    ]


def test_copy_delete_and_prune_keep_latest():
    saver = DjangoCheckpointer()
    ids = _put_chain(saver, "src", 4)
    saver.put_writes(make_config("src", "", ids[-1]), [("counter", 7)], "t")
    saver.copy_thread("src", "dst")
    copied = [t.checkpoint.id for t in saver.list({"configurable": {"thread_id": "dst"}})]
    assert copied == list(reversed(ids))
    before = saver.get_tuple({"configurable": {"thread_id": "dst"}})
    saver.prune(["dst"])
    after = saver.get_tuple({"configurable": {"thread_id": "dst"}})
    assert before is not None and after is not None
    assert after.checkpoint.channel_values == before.checkpoint.channel_values
    assert after.pending_writes == [("t", "counter", 7)]
    assert [t.checkpoint.id for t in saver.list({"configurable": {"thread_id": "dst"}})] == [
        ids[-1]
    ]
    assert set(CheckpointBlob.objects.filter(thread_id="dst").values_list("kind", flat=True)) == {
        "full"
    }
    saver.delete_thread("src")
    assert saver.get_tuple({"configurable": {"thread_id": "src"}}) is None
    assert saver.get_tuple({"configurable": {"thread_id": "dst"}}) is not None


def test_versions_are_stored_as_changes_and_rebuilt_across_snapshots_and_forks():
    from builder.checkpointer.sql import SNAPSHOT_EVERY
    from builder.models import Checkpoint as CheckpointRow

    saver = DjangoCheckpointer()
    config = {"configurable": {"thread_id": "v1", "checkpoint_ns": ""}}
    expected: dict[str, dict[str, str]] = {}
    versions: dict[str, str] = {}
    ids: list[str] = []
    for step in range(SNAPSHOT_EVERY * 2 + 5):
        cid = f"cp{step:04d}"
        blobs = {"counter": Blob(cid, "full", step)}
        if step % 3 == 0:
            blobs[f"k{step}"] = Blob(cid, "full", step)
        versions = {**versions, **{c: b.version for c, b in blobs.items()}}
        if step == 10:
            versions.pop("k0")  # a channel removed
            versions["named"] = "not-an-id"
            blobs["named"] = Blob("not-an-id", "full", "elsewhere")
        checkpoint = Checkpoint(id=cid, ts=cid, channel_versions=dict(versions))
        config = saver.put(config, checkpoint, {"step": step}, blobs)
        expected[cid] = dict(versions)
        ids.append(cid)
    # A fork from an old checkpoint: its parent is not the branch's latest.
    fork = Checkpoint(
        id="cp9999", ts="x", channel_versions={**expected[ids[3]], "counter": "cp9999"}
    )
    saver.put(
        make_config("v1", "", ids[3]), fork, {"step": 4}, {"counter": Blob("cp9999", "full", -1)}
    )
    expected["cp9999"] = dict(fork.channel_versions)

    rows = {r.checkpoint_id: r for r in CheckpointRow.objects.filter(thread_id="v1")}
    assert sorted(cid for cid, r in rows.items() if r.depth == 0) == ["cp0000", "cp0032", "cp0064"]
    assert len(rows["cp0040"].versions) < 10  # only what changed (here: its own blobs)
    fresh = DjangoCheckpointer()  # nothing cached: versions come from the rows
    for cid, want in expected.items():
        tup = fresh.get_tuple(make_config("v1", "", cid))
        assert tup is not None and tup.checkpoint.channel_versions == want, cid
        assert tup.checkpoint.channel_values["counter"] == (-1 if cid == "cp9999" else int(cid[2:]))
    assert fresh.get_tuple(make_config("v1", "", ids[20])).checkpoint.channel_values["named"] == (
        "elsewhere"
    )
    history = list(fresh.list({"configurable": {"thread_id": "v1"}}, limit=7))
    assert [h.checkpoint.channel_versions for h in history] == [
        expected[h.checkpoint.id] for h in history
    ]


def test_writes_before_their_checkpoint_is_stored_are_kept():
    saver = DjangoCheckpointer()
    conf = make_config("w1", "", "cp0001")
    saver.put_writes(conf, [("x", 1), (INTERRUPT, {"value": "first"})], "task-a")
    saver.put(
        {"configurable": {"thread_id": "w1", "checkpoint_ns": ""}},
        Checkpoint(id="cp0001", ts="t", channel_versions={"x": "cp0001"}),
        {},
        {"x": Blob("cp0001", "full", 0)},
    )
    saver.put_writes(conf, [("y", 2)], "task-b")
    saver.put_writes(conf, [("x", 99), (INTERRUPT, {"value": "second"})], "task-a")
    tup = saver.get_tuple(conf)
    assert tup is not None
    assert tup.pending_writes == [
        ("task-a", "x", 1),
        ("task-a", INTERRUPT, {"value": "second"}),
        ("task-b", "y", 2),
    ]
