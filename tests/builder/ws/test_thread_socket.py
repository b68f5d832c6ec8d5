"""/ws/threads/<id>/: replay, live events, reconnects, access and presence."""

from __future__ import annotations

import asyncio

import pytest

from builder.eventlog import events_record
from tests.builder.ws.conftest import connect, db, make_thread, receive_events, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


def record(thread, n: int, kind: str = "custom", start: int = 0) -> list[int]:
    rows = events_record(thread.pk, None, [(kind, {"i": start + i}) for i in range(n)])
    return [r.seq for r in rows]


async def test_replay_then_live_in_order(people):
    thread = await db(make_thread)(people["acme"])
    await db(record)(thread, 5)
    comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/?after_seq=2", people["vic"])
    assert ok
    replayed = await receive_events(comm, 5)
    assert [e["seq"] for e in replayed] == [3, 4, 5]
    assert set(replayed[0]) >= {"type", "seq", "thread_id", "run_id", "ts", "data"}
    await db(record)(thread, 3, start=5)
    live = await receive_events(comm, 8)
    assert [e["seq"] for e in live] == [6, 7, 8]
    assert [e["data"]["i"] for e in live] == [5, 6, 7]
    await comm.disconnect()


async def test_events_recorded_during_the_replay_are_neither_lost_nor_doubled(people):
    thread = await db(make_thread)(people["acme"])
    await db(record)(thread, 300)
    comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/", people["alice"])
    # Publish while the replay is being read and sent.
    writer = asyncio.ensure_future(db(record)(thread, 50))
    events = await receive_events(comm, 350)
    await writer
    assert [e["seq"] for e in events] == list(range(1, 351))
    await comm.disconnect()


async def test_reconnect_mid_run_loses_nothing_and_duplicates_nothing(people):
    thread = await db(make_thread)(people["acme"], "ticker")
    total = 120

    async def produce() -> None:
        for i in range(total):
            await db(record)(thread, 1, start=i)
            await asyncio.sleep(0.002)

    producer = asyncio.ensure_future(produce())
    seen: list[int] = []
    last = 0
    while last < total:
        comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/?after_seq={last}", people["bob"])
        assert ok
        # Take a few events, then drop the connection mid-stream.
        try:
            got = await receive_events(comm, min(last + 15, total), timeout=5)
        finally:
            await comm.disconnect()
        seen.extend(e["seq"] for e in got)
        last = seen[-1]
    await producer
    assert seen == list(range(1, total + 1))


async def test_a_gap_in_live_events_is_filled_from_the_log(people):
    """A message the channel layer dropped is read from the database instead."""
    from builder.consumers.hub import get_hub

    thread = await db(make_thread)(people["acme"])
    comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/", people["vic"])
    await receive_type(comm, "presence")
    hub = get_hub()
    feed = hub.feeds[f"thread.{thread.pk}"]
    await db(record)(thread, 1)
    assert [e["seq"] for e in await receive_events(comm, 1)] == [1]
    # Record three events but keep the first two from reaching the hub: the hub reads
    # them from the log once, for all its sockets.
    await hub.layer.group_discard(feed.group, feed.channel)
    await db(record)(thread, 2)
    await hub.layer.group_add(feed.group, feed.channel)
    await db(record)(thread, 1, start=2)
    events = await receive_events(comm, 4)
    assert [e["seq"] for e in events] == [2, 3, 4]
    assert feed.last_seq == 4
    await comm.disconnect()


async def test_token_chunks_are_coalesced_into_batches_when_asked(people):
    thread = await db(make_thread)(people["acme"])
    comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/?batch=1", people["vic"])
    await receive_type(comm, "presence")
    for i in range(10):
        await db(record)(thread, 1, kind="messages", start=i)
    await db(record)(thread, 1, kind="updates")
    frames = []
    while sum(len(f.get("events", [f])) for f in frames) < 11:
        frames.append(await receive_type_any(comm))
    # Fewer frames than events, all in order.
    assert len(frames) < 11
    seqs = [e["seq"] for f in frames for e in f.get("events", [f])]
    assert seqs == list(range(1, 12))
    await comm.disconnect()


async def receive_type_any(comm):
    from tests.builder.ws.conftest import receive

    while True:
        msg = await receive(comm)
        if msg["type"] != "presence":
            return msg


async def test_another_workspace_cannot_subscribe_same_as_a_missing_thread(people):
    thread = await db(make_thread)(people["acme"])
    _, ok, code = await connect(f"/ws/threads/{thread.pk}/", people["mallory"])
    assert (ok, code) == (False, 4404)
    _, ok, code = await connect(
        "/ws/threads/00000000-0000-0000-0000-000000000000/", people["mallory"]
    )
    assert (ok, code) == (False, 4404)
    _, ok, code = await connect("/ws/threads/not-a-uuid/", people["alice"])
    assert (ok, code) == (False, 4404)


async def test_anonymous_is_refused(people):
    from django.contrib.auth.models import AnonymousUser

    thread = await db(make_thread)(people["acme"])
    _, ok, code = await connect(f"/ws/threads/{thread.pk}/", AnonymousUser())
    assert (ok, code) == (False, 4401)


async def test_presence_lists_who_is_viewing(people):
    thread = await db(make_thread)(people["acme"])
    path = f"/ws/threads/{thread.pk}/"
    alice, _, _ = await connect(path, people["alice"])
    assert (await receive_type(alice, "presence"))["viewers"] == ["alice"]
    vic, _, _ = await connect(path, people["vic"])
    assert (await receive_type(vic, "presence"))["viewers"] == ["alice", "vic"]
    assert (await receive_type(alice, "presence"))["viewers"] == ["alice", "vic"]
    await vic.disconnect()
    assert (await receive_type(alice, "presence"))["viewers"] == ["alice"]
    await alice.disconnect()


async def test_one_subscription_per_process_however_many_viewers(people):
    from builder.consumers.hub import get_hub

    thread = await db(make_thread)(people["acme"])
    path = f"/ws/threads/{thread.pk}/"
    comms = [(await connect(path, people["vic"]))[0] for _ in range(5)]
    hub = get_hub()
    group = f"thread.{thread.pk}"
    assert len(hub.layer.groups[group]) == 1
    assert len(hub.feeds[group].listeners) == 5
    await db(record)(thread, 3)
    for comm in comms:
        assert [e["seq"] for e in await receive_events(comm, 3)] == [1, 2, 3]
    for comm in comms:
        await comm.disconnect()
    assert group not in hub.feeds
    assert not hub.layer.groups.get(group)
