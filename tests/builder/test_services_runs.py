"""Run services: multitask strategies, the one-running-run rule, cancel, events."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.checkpointer import DjangoCheckpointer
from builder.eventlog import events_record
from builder.execution import dispatch as dispatching
from builder.execution.lifecycle import run_claim, run_finish, run_heartbeat
from builder.services.errors import InvalidInput, ThreadBusy
from builder.services.runs import run_cancel, run_start
from builder.services.threads import thread_create
from runtime.checkpoint.base import Blob, Checkpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(monkeypatch):
    """Run ids handed to the executor (after commit), without executing them."""
    ids: list[str] = []
    monkeypatch.setattr(
        "builder.execution.dispatch.dispatch", lambda run_id: ids.append(str(run_id))
    )
    return ids


@pytest.fixture
def thread(workspace, graph, user):
    return thread_create(workspace=workspace, graph=graph, user=user)


def _start(thread, strategy="reject", **kw):
    return run_start(thread=thread, input={"n": 1}, multitask_strategy=strategy, **kw)


def _events(thread) -> list[str]:
    return list(
        m.RunEvent.objects.filter(thread=thread).order_by("seq").values_list("type", flat=True)
    )


def test_run_start_dispatches_after_commit_and_records_created(
    thread, dispatched, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _start(thread, stream_mode="updates")
    assert dispatched == [str(run.pk)]
    assert run.stream_mode == ["updates"] and run.status == m.RunStatus.PENDING
    thread.refresh_from_db()
    assert thread.status == m.ThreadStatus.BUSY
    assert _events(thread) == ["run.created"]
    assert m.AuditEntry.objects.filter(action="run.started", thread=thread).exists()


def test_reject_refuses_a_second_run_with_a_clear_error(thread):
    first = _start(thread)
    with pytest.raises(ThreadBusy, match="already has an active run") as info:
        _start(thread)
    assert info.value.active_run_id == first.pk
    assert m.Run.objects.filter(thread=thread).count() == 1
    with pytest.raises(InvalidInput, match="multitask_strategy"):
        _start(thread, strategy="shout")


def test_enqueue_waits_for_the_active_run_then_runs_in_order(
    thread, dispatched, django_capture_on_commit_callbacks
):
    a = _start(thread)
    b = _start(thread, "enqueue")
    c = _start(thread, "enqueue")
    assert run_claim(b.pk) is None  # queued behind a
    assert run_claim(a.pk) is not None
    assert run_claim(a.pk) is None  # already running, heartbeat fresh
    assert run_claim(c.pk) is None
    dispatched.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_finish(a.pk, m.RunStatus.SUCCESS)
    assert dispatched == [str(b.pk)]
    assert run_claim(c.pk) is None  # b is older
    assert run_claim(b.pk) is not None
    thread.refresh_from_db()
    assert thread.status == m.ThreadStatus.BUSY


def test_interrupt_stops_the_running_run_and_keeps_its_checkpoints(thread, dispatched):
    a = _start(thread)
    assert run_claim(a.pk) is not None
    _put_checkpoint(str(thread.pk), "0002")
    b = _start(thread, "interrupt")
    assert run_heartbeat(a.pk) == "interrupt"
    assert run_claim(b.pk) is None  # a is still running until its worker stops
    run_finish(a.pk, m.RunStatus.SUCCESS)
    a.refresh_from_db()
    assert a.status == m.RunStatus.CANCELLED
    assert run_claim(b.pk) is not None
    assert DjangoCheckpointer().get_tuple({"configurable": {"thread_id": str(thread.pk)}})


def test_interrupt_cancels_a_pending_run_at_once(thread, dispatched):
    a = _start(thread)
    b = _start(thread, "interrupt")
    a.refresh_from_db()
    assert a.status == m.RunStatus.CANCELLED and a.finished_at is not None
    assert run_claim(b.pk) is not None


def test_rollback_deletes_the_run_and_the_checkpoints_it_made(thread, dispatched):
    _put_checkpoint(str(thread.pk), "0001")
    a = _start(thread)
    claimed = run_claim(a.pk)
    assert claimed is not None and claimed.start_checkpoint_id == "0001"
    _put_checkpoint(str(thread.pk), "0002", parent="0001")
    b = _start(thread, "rollback")
    assert run_heartbeat(a.pk) == "rollback"
    run_finish(a.pk, m.RunStatus.SUCCESS)
    assert not m.Run.objects.filter(pk=a.pk).exists()
    ids = [
        t.checkpoint.id
        for t in DjangoCheckpointer().list({"configurable": {"thread_id": str(thread.pk)}})
    ]
    assert ids == ["0001"]
    assert not m.CheckpointBlob.objects.filter(version="0002").exists()
    assert "run.cancelled" in _events(thread)
    # Its events stay in the thread's log (detached from the deleted run): no seq gap.
    seqs = list(m.RunEvent.objects.filter(thread=thread).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert m.RunEvent.objects.filter(
        thread=thread, run=None, type="run.created", payload__run_id=str(a.pk)
    ).exists()
    assert run_claim(b.pk) is not None


def test_run_cancel_of_a_running_run_is_seen_by_its_heartbeat(thread, dispatched, user):
    a = _start(thread)
    run_claim(a.pk)
    assert run_heartbeat(a.pk) is None
    run_cancel(run=a, user=user)
    assert run_heartbeat(a.pk) == "interrupt"
    assert run_heartbeat(a.pk, worker="someone-else") == "lost"
    run_finish(a.pk, m.RunStatus.SUCCESS)
    a.refresh_from_db()
    thread.refresh_from_db()
    assert a.status == m.RunStatus.CANCELLED and thread.status == m.ThreadStatus.IDLE
    assert _events(thread)[-1] == "run.cancelled"


def test_finished_runs_are_never_claimed_again_and_stale_ones_are_taken_over(
    thread, dispatched, settings
):
    a = _start(thread)
    assert run_claim(a.pk, worker="w1").attempt == 1
    assert run_claim(a.pk, worker="w2") is None
    settings.BUILDER = {**settings.BUILDER, "HEARTBEAT_STALE_SECONDS": -1}
    assert dispatching.runs_stale() == [a.pk]
    taken = run_claim(a.pk, worker="w2")
    assert taken is not None and taken.attempt == 2 and taken.worker == "w2"
    assert run_finish(a.pk, m.RunStatus.SUCCESS, worker="w1") is None  # not the owner now
    assert run_finish(a.pk, m.RunStatus.SUCCESS, worker="w2") is not None
    assert run_claim(a.pk, worker="w3") is None
    assert dispatching.runs_stale() == []


def test_event_seqs_are_gapless_and_ordered_per_thread(workspace, thread):
    other = thread_create(workspace=workspace)
    events_record(thread.pk, None, [("a", {}), ("b", {})])
    events_record(other.pk, None, [("x", {})])
    events_record(thread.pk, None, [("c", {"k": 1})])
    rows = list(m.RunEvent.objects.filter(thread=thread).order_by("seq"))
    assert [(r.seq, r.type) for r in rows] == [(1, "a"), (2, "b"), (3, "c")]
    assert list(m.RunEvent.objects.filter(thread=other).values_list("seq", flat=True)) == [1]


def _put_checkpoint(thread_id: str, cid: str, parent: str | None = None) -> None:
    DjangoCheckpointer().put(
        {"configurable": {"thread_id": thread_id, "checkpoint_ns": "", "checkpoint_id": parent}},
        Checkpoint(id=cid, ts=cid, channel_versions={"x": cid}),
        {"step": 0},
        {"x": Blob(cid, "full", cid)},
    )


def test_a_run_refuses_an_assistant_or_version_from_elsewhere(thread, workspace, dispatched):
    other_ws = m.Workspace.objects.create(slug="elsewhere", name="Elsewhere")
    other_graph = m.Graph.objects.create(workspace=other_ws, slug="g", name="g")
    stranger = m.Assistant.objects.create(workspace=other_ws, graph=other_graph, name="a")
    with pytest.raises(InvalidInput, match="another workspace"):
        run_start(thread=thread, assistant=stranger, input={})
    sibling = m.Graph.objects.create(workspace=workspace, slug="sib", name="sib")
    version = m.GraphVersion.objects.create(graph=sibling, number=1, spec={})
    with pytest.raises(InvalidInput, match="not a version of the run's graph"):
        run_start(thread=thread, graph_version=version, input={})
    assert not m.Run.objects.filter(thread=thread).exists()


def test_run_config_overlays_the_assistant_config():
    from builder.execution.driver import merge_config

    base = {"configurable": {"model": "a", "temperature": 0}, "recursion_limit": 10}
    run = {"configurable": {"model": "b"}, "tags": ["x"]}
    assert merge_config(base, run) == {
        "configurable": {"model": "b", "temperature": 0},
        "recursion_limit": 10,
        "tags": ["x"],
    }
    assert base["configurable"]["model"] == "a"  # not modified in place


def test_the_sweeper_redispatches_runs_nobody_picked_up(thread, dispatched, settings):
    import datetime as dt

    from django.utils import timezone

    lost = _start(thread)
    m.Run.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    dispatched.clear()
    assert dispatching.runs_resume_stale() == [lost.pk]
    assert dispatched == [str(lost.pk)]


def test_builder_settings_are_checked(settings):
    from builder.checks import check_builder_settings

    assert check_builder_settings() == []
    settings.BUILDER = {**settings.BUILDER, "RUN_EXECUTOR": "threads", "HEARTBEAT_STALE_SECONDS": 1}
    assert {c.id for c in check_builder_settings()} == {"builder.E001", "builder.W001"}
