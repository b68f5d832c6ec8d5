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
