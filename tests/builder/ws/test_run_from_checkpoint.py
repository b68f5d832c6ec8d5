"""``start_run`` from a checkpoint with breakpoints over the socket.

The debugger's "re-run from here" sends this when the canvas has breakpoints (the
``fork`` action takes none), so the run must stop where the breakpoints say.
"""

from __future__ import annotations

import pytest

from builder import models as m
from tests.builder.ws.conftest import connect, db, make_thread
from tests.builder.ws.test_review import act

pytestmark = pytest.mark.django_db(transaction=True)


def _first_checkpoint(thread: m.Thread) -> str:
    return (
        m.Checkpoint.objects.filter(thread_id=str(thread.pk), checkpoint_ns="")
        .order_by("checkpoint_id")
        .values_list("checkpoint_id", flat=True)[0]
    )


async def test_start_run_from_a_checkpoint_stops_at_its_breakpoint(people):
    thread = await db(make_thread)(people["acme"])
    alice, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["alice"])
    reply = await act(alice, {"action": "start_run", "input": {"text": "a"}, "request_id": "s"})
    assert reply["type"] == "ack", reply
    # Without breakpoints the run drafts and waits at the review.
    assert (await db(m.Thread.objects.get)(pk=thread.pk)).values["text"] == "draft of a"

    first = await db(_first_checkpoint)(thread)
    reply = await act(
        alice,
        {
            "action": "start_run",
            "input": None,
            "checkpoint_id": first,
            "interrupt_before": ["draft"],
            "interrupt_after": [],
            "request_id": "r",
        },
    )
    assert reply["type"] == "ack" and reply["run_id"], reply
    run = await db(m.Run.objects.get)(pk=reply["run_id"])
    assert run.interrupt_before == ["draft"]
    thread = await db(m.Thread.objects.get)(pk=thread.pk)
    assert thread.status == m.ThreadStatus.INTERRUPTED
    assert thread.values["text"] == "a"  # stopped before drafting: the breakpoint held
    await alice.disconnect()


async def test_breakpoints_stay_with_the_run_through_resumes(people):
    """Continue from a breakpoint, then answer an interrupt: the runs those start keep
    the first run's breakpoints, so a later one still stops them; a message's own
    breakpoints replace them."""
    thread = await db(make_thread)(people["acme"])
    alice, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["alice"])

    async def status() -> tuple[str, dict]:
        t = await db(m.Thread.objects.get)(pk=thread.pk)
        return t.status, t.values

    reply = await act(
        alice,
        {
            "action": "start_run",
            "input": {"text": "a"},
            "interrupt_before": ["draft", "publish"],
            "request_id": "s",
        },
    )
    assert reply["type"] == "ack", reply
    assert await status() == (m.ThreadStatus.INTERRUPTED, {"text": "a"})  # before draft

    reply = await act(alice, {"action": "resume", "resume": None, "request_id": "c"})
    assert reply["type"] == "ack" and reply["interrupt_id"] == "breakpoint", reply
    # draft ran; the review's interrupt() waits
    assert await status() == (m.ThreadStatus.INTERRUPTED, {"text": "draft of a"})

    reply = await act(alice, {"action": "resume", "decision": "approve", "request_id": "r"})
    assert reply["type"] == "ack", reply
    run = await db(m.Run.objects.get)(pk=reply["run_id"])
    assert run.interrupt_before == ["draft", "publish"]
    # stopped before publish: the breakpoint came along
    _, values = await status()
    assert values == {"text": "draft of a", "decision": "approve"}

    reply = await act(
        alice, {"action": "resume", "resume": None, "interrupt_before": [], "request_id": "f"}
    )
    assert reply["type"] == "ack", reply
    assert await status() == (
        m.ThreadStatus.IDLE,
        {"text": "draft of a (approve)", "decision": "approve"},
    )
    await alice.disconnect()


async def test_fork_takes_breakpoints_and_refuses_malformed_ones(people):
    thread = await db(make_thread)(people["acme"])
    alice, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["alice"])
    reply = await act(alice, {"action": "start_run", "input": {"text": "a"}, "request_id": "s"})
    assert reply["type"] == "ack", reply
    first = await db(_first_checkpoint)(thread)

    reply = await act(
        alice,
        {"action": "fork", "checkpoint_id": first, "interrupt_before": "draft", "request_id": "x"},
    )
    assert reply["type"] == "error" and "interrupt_before" in reply["reason"], reply

    reply = await act(
        alice,
        {
            "action": "fork",
            "checkpoint_id": first,
            "interrupt_before": ["draft"],
            "request_id": "f",
        },
    )
    assert reply["type"] == "ack", reply
    run = await db(m.Run.objects.get)(pk=reply["run_id"])
    assert run.interrupt_before == ["draft"]
    thread = await db(m.Thread.objects.get)(pk=thread.pk)
    assert thread.status == m.ThreadStatus.INTERRUPTED and thread.values["text"] == "a"
    await alice.disconnect()
