"""The event log: persisted in order, published to ``thread.<id>`` only after commit."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from builder import models as m
from builder.eventlog import event_as_dict, events_record, thread_group

pytestmark = pytest.mark.django_db


async def _receive_events(layer, channel: str, count: int) -> list[dict]:
    """Events from the channel, whether sent one per message or in batches."""
    events: list[dict] = []
    while len(events) < count:
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        assert message["type"] in ("thread.event", "thread.events")
        events.extend(message["events"] if "events" in message else [message["event"]])
    return events


def test_events_reach_the_thread_group_after_commit(workspace, django_capture_on_commit_callbacks):
    thread = m.Thread.objects.create(workspace=workspace)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(thread_group(thread.pk), channel)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = events_record(thread.pk, None, [("run.created", {"a": 1}), ("values", {"b": 2})])
    assert len(callbacks) == 1
    events = async_to_sync(_receive_events)(layer, channel, 2)
    assert events == [event_as_dict(r) for r in rows]
    first = events[0]
    assert {"type", "seq", "thread_id", "run_id", "ts", "data"} <= set(first)
    assert (first["type"], first["seq"], first["data"]) == ("run.created", 1, {"a": 1})
    assert first["thread_id"] == str(thread.pk)


def test_events_of_a_rolled_back_transaction_are_neither_saved_nor_published(
    workspace, django_capture_on_commit_callbacks
):
    thread = m.Thread.objects.create(workspace=workspace)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            events_record(thread.pk, None, [("values", {})])
            raise RuntimeError("the service failed after recording")
    assert callbacks == []
    assert not m.RunEvent.objects.filter(thread=thread).exists()
    thread.refresh_from_db()
    assert thread.next_event_seq == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_unique_gapless_seqs(workspace):
    import threading

    from django.db import connections

    thread = m.Thread.objects.create(workspace=workspace)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                events_record(thread.pk, None, [(f"w{n}", {"i": i}), (f"w{n}", {"i": i})])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    rows = list(m.RunEvent.objects.filter(thread=thread).order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, 81))
    for n in range(4):  # each writer's events kept their order
        mine = [r.payload["i"] for r in rows if r.type == f"w{n}"]
        assert mine == sorted(mine)
