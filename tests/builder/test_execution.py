"""Executing runs end to end on fake code graphs: events, outcomes, resume, cancel."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from builder import models as m
from builder.checkpointer import DjangoCheckpointer
from builder.execution.driver import execute_run, stream_part_events
from builder.execution.lifecycle import run_claim
from builder.services.runs import run_cancel, run_start
from builder.services.threads import thread_create
from runtime.checkpoint.base import Blob, Checkpoint
from runtime.pregel.ids import checkpoint_id
from tests.builder.conftest import code_graph, fake_graph

pytestmark = pytest.mark.django_db(transaction=True)


def _thread(workspace, name: str) -> m.Thread:
    return thread_create(workspace=workspace, graph=code_graph(workspace, name))


def _types(thread: m.Thread) -> list[str]:
    return list(
        m.RunEvent.objects.filter(thread=thread).order_by("seq").values_list("type", flat=True)
    )


def test_a_run_records_ordered_events_and_caches_the_final_values(builder_settings, workspace):
    thread = _thread(workspace, "counter")
    run = run_start(thread=thread, input={"go": True})  # sync executor: runs on commit
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.status == m.RunStatus.SUCCESS and run.attempt == 1
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert thread.status == m.ThreadStatus.IDLE and thread.values == {"count": 3}
    types = _types(thread)
    assert types[:2] == ["run.created", "run.started"]
    assert types[-1] == "run.finished"
    assert types.count("values") == 3 and types.count("updates") == 3
    seqs = list(m.RunEvent.objects.filter(thread=thread).values_list("seq", flat=True))
    assert seqs == list(range(1, len(types) + 1))
    last_values = m.RunEvent.objects.filter(thread=thread, type="values").order_by("-seq")[0]
    assert last_values.payload == {"ns": [], "data": {"count": 3}}


def test_a_failing_graph_fails_the_run_and_the_thread(builder_settings, workspace):
    thread = _thread(workspace, "failing")
    run = run_start(thread=thread, input={})
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.status == m.RunStatus.ERROR
    assert run.error["type"] == "RuntimeError" and "exploded" in run.error["message"]
    assert thread.status == m.ThreadStatus.ERROR
    assert _types(thread)[-1] == "run.failed"


def test_an_interrupt_leaves_the_run_and_thread_interrupted(builder_settings, workspace):
    thread = _thread(workspace, "counter")
    run = run_start(thread=thread, input={"interrupt_at": 2})
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.status == m.RunStatus.INTERRUPTED
    assert thread.status == m.ThreadStatus.INTERRUPTED
    interrupt = m.RunEvent.objects.get(thread=thread, type="interrupt")
    assert interrupt.payload["interrupt"] == {"value": "approve?", "id": "i1"}


def test_a_run_whose_worker_died_resumes_from_its_last_checkpoint(
    builder_settings, workspace, monkeypatch
):
    monkeypatch.setattr("builder.execution.dispatch.dispatch", lambda run_id: None)
    thread = _thread(workspace, "counter")
    graph = fake_graph("counter")
    run = run_start(thread=thread, input={"go": True})
    claimed = run_claim(run.pk, worker="worker-that-dies")
    assert claimed is not None
    # The dead worker got as far as two steps before SIGKILL.
    saver = DjangoCheckpointer()
    parent = None
    for count in (1, 2):
        cid = checkpoint_id()
        cp = Checkpoint(id=cid, ts="t", channel_versions={"count": cid})
        saver.put(
            {"configurable": {"thread_id": str(thread.pk), "checkpoint_id": parent}},
            cp,
            {"step": count},
            {"count": Blob(cid, "full", count)},
        )
        parent = cp.id
    stale = timezone.now() - dt.timedelta(minutes=10)
    m.Run.objects.filter(pk=run.pk).update(heartbeat_at=stale)
    before = len(graph.inputs)
    status = execute_run(run.pk, worker="rescuer")
    assert status == m.RunStatus.SUCCESS
    assert graph.inputs[before:] == [None]  # resumed, not restarted with the input
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.attempt == 2 and run.worker == "rescuer" and thread.values == {"count": 3}
    # Executing a finished run again does nothing.
    assert execute_run(run.pk, worker="late-duplicate") is None
    assert len(graph.inputs) == before + 1


def test_cancelling_a_running_run_takes_effect_within_a_second(builder_settings, workspace):
    builder_settings["RUN_EXECUTOR"] = "inline"
    thread = _thread(workspace, "slow")
    run = run_start(thread=thread, input={"go": True})
    deadline = time.monotonic() + 10
    while m.Run.objects.get(pk=run.pk).status != m.RunStatus.RUNNING:
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)
    while not m.RunEvent.objects.filter(thread=thread, type="values").exists():
        assert time.monotonic() < deadline, "the run produced no events"
        time.sleep(0.02)
    asked = time.monotonic()
    run_cancel(run=run)
    while m.Run.objects.get(pk=run.pk).status == m.RunStatus.RUNNING:
        assert time.monotonic() - asked < 1.0, "cancel took more than a second"
        time.sleep(0.02)
    run.refresh_from_db()
    assert run.status == m.RunStatus.CANCELLED
    assert _types(thread)[-1] == "run.cancelled"
    thread.refresh_from_db()
    # Stopped with its node left to run: interrupted, as LangGraph Server reports it.
    assert thread.status == m.ThreadStatus.INTERRUPTED


def test_enqueued_runs_execute_one_after_the_other(builder_settings, workspace):
    builder_settings["RUN_EXECUTOR"] = "inline"
    thread = _thread(workspace, "paced")
    first = run_start(thread=thread, input={"go": 1})
    second = run_start(thread=thread, input={"go": 2}, multitask_strategy="enqueue")
    deadline = time.monotonic() + 15
    while m.Run.objects.filter(thread=thread, status__in=["pending", "running"]).exists():
        assert time.monotonic() < deadline, "runs did not finish"
        time.sleep(0.05)
    a, b = m.Run.objects.get(pk=first.pk), m.Run.objects.get(pk=second.pk)
    assert a.status == b.status == m.RunStatus.SUCCESS
    assert a.finished_at <= b.started_at


def test_stream_parts_map_onto_event_types():
    assert stream_part_events((), "tasks", {"id": "t", "name": "n"})[0][0] == "task.started"
    assert (
        stream_part_events((), "tasks", {"id": "t", "name": "n", "result": {}})[0][0]
        == "task.finished"
    )
    assert stream_part_events((), "tasks", {"id": "t", "name": "n", "result": {}, "error": "x"})[0][
        0
    ] == ("task.failed")
    assert stream_part_events(("sub:1",), "custom", {"p": 1}) == [
        ("custom", {"ns": ["sub:1"], "data": {"p": 1}})
    ]
    assert stream_part_events((), "checkpoints", {"id": "c"})[0][0] == "checkpoint.created"


def test_a_published_spec_graph_runs_on_the_engine_with_the_django_checkpointer(
    builder_settings, workspace, graph
):
    from builder.services.graphs import graph_version_publish

    version = graph_version_publish(graph=graph)
    thread = thread_create(workspace=workspace, graph=graph)
    run = run_start(thread=thread, graph_version=version, input={"text": "hi"})
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.status == m.RunStatus.SUCCESS, run.error
    assert thread.values == {"text": "echo: hi"}
    types = _types(thread)
    for expected in ("task.started", "task.finished", "checkpoint.created", "updates", "values"):
        assert expected in types
    history = list(DjangoCheckpointer().list({"configurable": {"thread_id": str(thread.pk)}}))
    assert [h.metadata["step"] for h in history] == [1, 0, -1]


def test_a_run_over_its_time_limit_ends_as_timeout(builder_settings, workspace):
    builder_settings["RUN_TIMEOUT_SECONDS"] = 0.3
    thread = _thread(workspace, "slow")
    started = time.monotonic()
    run = run_start(thread=thread, input={"go": True})  # sync executor: returns when done
    assert time.monotonic() - started < 5
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.status == m.RunStatus.TIMEOUT and run.error["type"] == "Timeout"
    assert thread.status == m.ThreadStatus.ERROR
    assert _types(thread)[-1] == "run.failed"
