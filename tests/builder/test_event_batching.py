"""The run driver writes its events by group commit: fewer writes than events, nothing
lost, nothing reordered."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.execution import driver
from builder.services.runs import run_start
from builder.services.threads import thread_create

pytestmark = pytest.mark.django_db(transaction=True)


def chain_spec(nodes: int) -> dict:
    ids = [f"n{i}" for i in range(nodes)]
    return {
        "spec_version": 1,
        "name": "chain",
        "state": {"fields": [{"name": "count", "type": "integer", "default": 0}]},
        "nodes": [
            {
                "id": node_id,
                "kind": "transform",
                "config": {"set": [{"field": "count", "expression": "state.count + 1"}]},
            }
            for node_id in ids
        ],
        "edges": [
            {"id": f"e{i}", "source": a, "target": b}
            for i, (a, b) in enumerate(zip(["__start__", *ids], [*ids, "__end__"], strict=True))
        ],
    }


def test_a_fast_chain_shares_writes_and_keeps_every_event_in_order(
    builder_settings, workspace, monkeypatch
):
    writes: list[list[str]] = []
    record = driver.events_record

    def counting(thread_id, run_id, events):
        writes.append([kind for kind, _ in events])
        return record(thread_id, run_id, events)

    monkeypatch.setattr(driver, "events_record", counting)
    # Far apart writes, so the test does not depend on this machine's speed.
    monkeypatch.setattr(driver, "EVENT_WRITE_SPACING_SECONDS", 0.5)
    graph = m.Graph.objects.create(
        workspace=workspace, slug="chain", name="chain", draft=chain_spec(40)
    )
    thread = thread_create(workspace=workspace, graph=graph)
    run = run_start(thread=thread, input={"count": 0}, config={"recursion_limit": 100})
    run.refresh_from_db()
    assert run.status == m.RunStatus.SUCCESS
    written = [kind for batch in writes for kind in batch]
    assert written.count("task.finished") == 40
    assert len(writes) < 10  # not one write per event (200+), nor per node
    logged = list(
        m.RunEvent.objects.filter(thread=thread, run=run)
        .order_by("seq")
        .values_list("type", "payload")
    )
    # The log holds the writes in the order the engine produced them.
    assert [kind for kind, _ in logged][2:-1] == written
    nodes = [p["name"] for kind, p in logged if kind == "task.started"]
    assert nodes == [f"n{i}" for i in range(40)]
    assert logged[-2][1]["data"] == {"count": 40}
