"""A rolled-back run leaves no hole in the thread's event log: a socket that connects
after the rollback replays the same gapless seqs that a socket connected during it saw."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.eventlog import events_record
from builder.execution.lifecycle import run_claim, run_finish, run_heartbeat
from builder.services.runs import run_start
from tests.builder.ws.conftest import connect, db, make_thread, receive_events, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_dispatch(monkeypatch):
    """Runs are driven by the test (claim, events, finish), not executed."""
    monkeypatch.setattr("builder.execution.dispatch.dispatch", lambda run_id: None)


def _start_run_with_events(thread) -> m.Run:
    run = run_start(thread=thread, input={"text": "hi"})
    assert run_claim(run.pk) is not None
    events_record(thread.pk, run.pk, [("values", {"i": i}) for i in range(3)])
    return run


def _roll_back(thread, run) -> m.Run:
    """Start a run with multitask_strategy rollback; the running one stops and goes."""
    following = run_start(thread=thread, input={"text": "again"}, multitask_strategy="rollback")
    assert run_heartbeat(run.pk) == "rollback"
    run_finish(run.pk, m.RunStatus.SUCCESS)
    assert not m.Run.objects.filter(pk=run.pk).exists()
    return following


def _last_seq(thread) -> int:
    return (
        m.RunEvent.objects.filter(thread=thread).order_by("-seq").values_list("seq", flat=True)[0]
    )


async def test_a_socket_connecting_after_a_rollback_replays_without_a_gap(people, no_dispatch):
    thread = await db(make_thread)(people["acme"])
    run = await db(_start_run_with_events)(thread)
    await db(_roll_back)(thread, run)
    last = await db(_last_seq)(thread)

    comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/", people["vic"])
    assert ok
    events = await receive_events(comm, last)
    assert [e["seq"] for e in events] == list(range(1, last + 1))
    kinds = [e["type"] for e in events]
    assert kinds[:5] == ["run.created", "run.started", "values", "values", "values"]
    cancelled = next(e for e in events if e["type"] == "run.cancelled")
    assert cancelled["data"] == {"run_id": str(run.pk), "status": "cancelled", "rolled_back": True}
    # The rolled-back run's events are thread-level now: the run no longer exists.
    assert {e["run_id"] for e in events[:5]} == {None}
    assert events[0]["data"]["run_id"] == str(run.pk)
    # Resuming from the middle of the rolled-back run's events is just as clean.
    await comm.disconnect()
    comm, ok, _ = await connect(f"/ws/threads/{thread.pk}/?after_seq=2", people["vic"])
    assert [e["seq"] for e in await receive_events(comm, last)] == list(range(3, last + 1))
    await comm.disconnect()


async def test_a_socket_connected_during_the_rollback_matches_a_later_replay(people, no_dispatch):
    thread = await db(make_thread)(people["acme"])
    live, ok, _ = await connect(f"/ws/threads/{thread.pk}/", people["alice"])
    assert ok
    await receive_type(live, "presence")
    run = await db(_start_run_with_events)(thread)
    seen = await receive_events(live, await db(_last_seq)(thread))
    assert {e["run_id"] for e in seen} == {str(run.pk)}
    following = await db(_roll_back)(thread, run)
    # Events after the rollback (the next run's) arrive in order, nothing skipped.
    await db(events_record)(thread.pk, following.pk, [("values", {"i": "next"})])
    last = await db(_last_seq)(thread)
    seen += await receive_events(live, last)
    assert [e["seq"] for e in seen] == list(range(1, last + 1))
    assert seen[-1]["run_id"] == str(following.pk)

    # A reconnect resumes after what it saw: nothing again, nothing missing.
    await live.disconnect()
    again, ok, _ = await connect(f"/ws/threads/{thread.pk}/?after_seq={last}", people["alice"])
    assert ok
    await receive_type(again, "presence")
    await db(events_record)(thread.pk, following.pk, [("values", {"i": "after"})])
    assert [e["seq"] for e in await receive_events(again, last + 1)] == [last + 1]
    await again.disconnect()

    # A fresh replay shows the same log the live socket saw (run ids aside: the
    # rolled-back run's events were detached from the deleted run).
    fresh, ok, _ = await connect(f"/ws/threads/{thread.pk}/", people["vic"])
    replayed = await receive_events(fresh, last)
    assert [(e["seq"], e["type"], e["data"]) for e in replayed] == [
        (e["seq"], e["type"], e["data"]) for e in seen
    ]
    await fresh.disconnect()
