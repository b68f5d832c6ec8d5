"""Reviewer actions over the socket and over REST: checks, races, audit, events."""

from __future__ import annotations

import asyncio

import pytest
from rest_framework.test import APIClient

from builder import models as m
from builder.services.runs import run_start
from tests.builder.api.conftest import assert_error
from tests.builder.ws.conftest import connect, db, make_thread, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


def paused_thread(workspace: m.Workspace) -> tuple[m.Thread, str]:
    """A thread of the 'reviewed' graph waiting at its review interrupt, and its id."""
    thread = make_thread(workspace)
    run_start(thread=thread, input={"text": "hello"})  # the sync executor runs it now
    thread.refresh_from_db()
    assert thread.status == m.ThreadStatus.INTERRUPTED
    event = m.RunEvent.objects.get(thread=thread, type="interrupt")
    return thread, event.payload["interrupt"]["id"]


def last_seq(thread: m.Thread) -> int:
    return (
        m.RunEvent.objects.filter(thread=thread).order_by("-seq").values_list("seq", flat=True)[0]
    )


async def act(comm, message: dict) -> dict:
    await comm.send_json_to(message)
    while True:
        reply = await receive_type_of(comm, ("ack", "error"))
        if reply.get("request_id") == message.get("request_id"):
            return reply


async def receive_type_of(comm, kinds):
    from tests.builder.ws.conftest import receive

    while True:
        msg = await receive(comm, timeout=10)
        if msg["type"] in kinds:
            return msg


async def test_resume_answers_the_interrupt_and_everyone_sees_who_did(people):
    thread, iid = await db(paused_thread)(people["acme"])
    after = await db(last_seq)(thread)
    path = f"/ws/threads/{thread.pk}/?after_seq={after}"
    bob, _, _ = await connect(path, people["bob"])
    vic, _, _ = await connect(path, people["vic"])
    reply = await act(
        bob,
        {"action": "resume", "interrupt_id": iid, "decision": "approve", "request_id": "r1"},
    )
    assert reply["type"] == "ack" and reply["request_id"] == "r1", reply
    resolved = await receive_type(vic, "review.resolved")
    assert resolved["data"] == {"by": "bob", "decision": "approve", "interrupt_id": iid}
    finished = await receive_type(vic, "run.finished")
    assert finished["data"]["status"] == "success"
    thread = await db(m.Thread.objects.get)(pk=thread.pk)
    assert thread.status == m.ThreadStatus.IDLE
    assert thread.values["text"] == "draft of hello (approve)"
    audit = await db(lambda: list(m.AuditEntry.objects.filter(action="review.resume")))()
    assert len(audit) == 1 and audit[0].actor_id == people["bob"].pk
    assert audit[0].detail["interrupt_id"] == iid
    await bob.disconnect()
    await vic.disconnect()


async def test_two_reviewers_race_on_one_interrupt_and_exactly_one_wins(people):
    thread, iid = await db(paused_thread)(people["acme"])
    path = f"/ws/threads/{thread.pk}/?after_seq={await db(last_seq)(thread)}"
    bob, _, _ = await connect(path, people["bob"])
    carol, _, _ = await connect(path, people["carol"])
    replies = await asyncio.gather(
        act(
            bob, {"action": "resume", "interrupt_id": iid, "decision": "approve", "request_id": "b"}
        ),
        act(
            carol,
            {"action": "resume", "interrupt_id": iid, "decision": "reject", "request_id": "c"},
        ),
    )
    kinds = sorted(r["type"] for r in replies)
    assert kinds == ["ack", "error"], replies
    winner = "bob" if replies[0]["type"] == "ack" else "carol"
    loser_reply = replies[1] if winner == "bob" else replies[0]
    assert loser_reply["reason"] == f"already resolved by {winner}"
    count = await db(m.InterruptResolution.objects.filter(thread=thread).count)()
    assert count == 1
    runs = await db(m.Run.objects.filter(thread=thread).count)()
    assert runs == 2  # the first run and exactly one resume
    await bob.disconnect()
    await carol.disconnect()


async def test_a_viewer_can_watch_but_not_act(people):
    thread, iid = await db(paused_thread)(people["acme"])
    vic, ok, _ = await connect(f"/ws/threads/{thread.pk}/", people["vic"])
    assert ok
    reply = await act(
        vic,
        {
            "action": "resume",
            "interrupt_id": iid,
            "value": {"decision": "approve"},
            "request_id": "v",
        },
    )
    assert reply["type"] == "error"
    assert "viewer" in reply["reason"] and "can watch but not act" in reply["reason"]
    assert not await db(m.InterruptResolution.objects.exists)()
    await vic.disconnect()


async def test_an_answer_that_does_not_fit_the_form_is_refused(people):
    thread, iid = await db(paused_thread)(people["acme"])
    bob, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["bob"])
    reply = await act(
        bob, {"action": "resume", "interrupt_id": iid, "decision": "maybe", "request_id": "x"}
    )
    assert reply["type"] == "error"
    assert reply["reason"].startswith("The answer does not fit the form:"), reply
    reply = await act(
        bob, {"action": "resume", "interrupt_id": "nope", "decision": "approve", "request_id": "y"}
    )
    assert reply == {
        "type": "error",
        "request_id": "y",
        "reason": "Interrupt nope is not pending on this thread.",
    }
    reply = await act(bob, {"action": "dance", "request_id": "z"})
    assert "Unknown action 'dance'" in reply["reason"]
    await bob.disconnect()


async def test_resume_when_nothing_is_pending_is_refused(people):
    thread = await db(make_thread)(people["acme"])
    bob, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["bob"])
    reply = await act(
        bob, {"action": "resume", "interrupt_id": "i", "decision": "approve", "request_id": "1"}
    )
    assert reply["reason"] == "The thread is not waiting for review (it is idle)."
    await bob.disconnect()


async def test_start_run_update_state_fork_and_cancel(people):
    thread = await db(make_thread)(people["acme"])
    alice, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["alice"])
    reply = await act(alice, {"action": "start_run", "input": {"text": "a"}, "request_id": "s"})
    assert reply["type"] == "ack" and reply["run_id"], reply
    # The sync executor has run it (to the review interrupt) before the ack.
    status = await db(lambda: m.Thread.objects.get(pk=thread.pk).status)()
    assert status == m.ThreadStatus.INTERRUPTED

    # Edit the draft and continue: the review interrupt is raised again on the new text.
    reply = await act(
        alice,
        {
            "action": "update_state",
            "values": {"text": "edited"},
            "as_node": "draft",
            "request_id": "u",
        },
    )
    assert reply["type"] == "ack", reply
    state = await db(lambda: m.Thread.objects.get(pk=thread.pk))()
    assert state.status == m.ThreadStatus.INTERRUPTED

    # Rewind to the first checkpoint after the input and run on from there.
    checkpoints = await db(
        lambda: list(
            m.Checkpoint.objects.filter(thread_id=str(thread.pk), checkpoint_ns="")
            .order_by("checkpoint_id")
            .values_list("checkpoint_id", flat=True)
        )
    )()
    reply = await act(
        alice,
        {"action": "fork", "checkpoint_id": checkpoints[0], "values": None, "request_id": "f"},
    )
    assert reply["type"] == "ack", reply
    reply = await act(alice, {"action": "fork", "checkpoint_id": "missing", "request_id": "f2"})
    assert reply["reason"] == "Checkpoint missing does not exist on this thread."

    reply = await act(alice, {"action": "cancel", "request_id": "c"})
    assert reply == {
        "type": "error",
        "request_id": "c",
        "reason": "There is no active run to cancel on this thread.",
    }
    actions = await db(
        lambda: sorted(
            m.AuditEntry.objects.filter(action__startswith="review.").values_list(
                "action", flat=True
            )
        )
    )()
    assert actions == ["review.fork", "review.start_run", "review.update_state"]
    await alice.disconnect()


async def test_cancel_stops_an_active_run(people):
    thread = await db(make_thread)(people["acme"])
    run = await db(lambda: m.Run.objects.create(thread=thread, status=m.RunStatus.PENDING))()
    bob, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["bob"])
    reply = await act(bob, {"action": "cancel", "run_id": str(run.pk), "request_id": "c"})
    assert reply == {"type": "ack", "request_id": "c", "action": "cancel", "run_id": str(run.pk)}
    assert (await db(m.Run.objects.get)(pk=run.pk)).status == m.RunStatus.CANCELLED
    reply = await act(bob, {"action": "cancel", "run_id": str(run.pk), "request_id": "d"})
    assert "has already finished (cancelled)" in reply["reason"]
    await bob.disconnect()


def test_rest_twin_takes_the_same_json(people):
    thread, iid = paused_thread(people["acme"])
    client = APIClient()
    url = f"/api/threads/{thread.pk}/review/"
    body = {"action": "resume", "interrupt_id": iid, "decision": "approve", "request_id": "r"}

    client.force_authenticate(people["vic"])
    response = client.post(url, body, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"

    client.force_authenticate(people["mallory"])
    assert client.post(url, body, format="json").status_code == 404
    # Access is checked before the message is read: no hint that the thread exists.
    error = assert_error(client.post(url, {"nope": 1}, format="json"), 404, "not_found")
    assert error["fields"] == []
    assert_error(client.post(url, [1, 2], format="json"), 404, "not_found")

    client.force_authenticate(people["bob"])
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["type"] == "ack" and response.json()["request_id"] == "r"

    client.force_authenticate(people["carol"])
    error = assert_error(client.post(url, body, format="json"), 409, "conflict")
    assert error["message"] == "already resolved by bob" and error["request_id"] == "r"


def test_rest_twin_refusals_use_the_one_error_shape_with_field_paths(people):
    thread, iid = paused_thread(people["acme"])
    client = APIClient()
    client.force_authenticate(people["bob"])
    url = f"/api/threads/{thread.pk}/review/"
    cases = [
        ({"request_id": "x"}, 400, "/action"),
        ({"action": "dance"}, 400, "/action"),
        ([1], 400, ""),
        ({"action": "resume", "interrupt_id": iid, "decision": 3}, 400, "/decision"),
        ({"action": "update_state", "values": 3}, 400, "/values"),
        ({"action": "fork"}, 400, "/checkpoint_id"),
    ]
    for body, status, path in cases:
        error = assert_error(client.post(url, body, format="json"), status, "invalid")
        assert [f["path"] for f in error["fields"]] == [path], (body, error)


def test_the_triage_reviewers_comment_reaches_the_state_and_the_audit(people):
    """The support-triage demo asks for a Comment: it lands in the state (review_answer)
    and in the audit entry of the review, not only in the resume value."""
    import json

    from django.conf import settings

    from builder.services.threads import thread_create

    spec = json.loads(
        (settings.BASE_DIR / "runtime" / "examples" / "support_triage.json").read_text()
    )
    graph = m.Graph.objects.create(
        workspace=people["acme"], slug="support_triage", name="Support triage", draft=spec
    )
    thread = thread_create(workspace=people["acme"], graph=graph)
    run_start(thread=thread, input={"ticket": "Please refund my invoice"})
    thread.refresh_from_db()
    assert thread.status == m.ThreadStatus.INTERRUPTED
    iid = m.RunEvent.objects.get(thread=thread, type="interrupt").payload["interrupt"]["id"]

    client = APIClient()
    client.force_authenticate(people["bob"])
    body = {
        "action": "resume",
        "interrupt_id": iid,
        "decision": "approve",
        "value": {"comment": "Refund approved by finance"},
    }
    response = client.post(f"/api/threads/{thread.pk}/review/", body, format="json")
    assert response.status_code == 200, response.content
    state = client.get(f"/api/threads/{thread.pk}/state").json()["values"]
    assert state["status"] == "sent"
    assert state["review_answer"]["comment"] == "Refund approved by finance"
    entry = m.AuditEntry.objects.get(thread=thread, action="review.resume")
    assert entry.detail["comment"] == "Refund approved by finance"


def test_review_state_edits_and_starts_are_checked_against_the_typed_state(people):
    """update_state, fork and start_run write a spec graph's typed state too: the same
    schema as POST /threads/{id}/state and run input, refused with the field's pointer."""
    import json

    from django.conf import settings

    from builder.services.threads import thread_create

    spec = json.loads(
        (settings.BASE_DIR / "runtime" / "examples" / "support_triage.json").read_text()
    )
    graph = m.Graph.objects.create(
        workspace=people["acme"], slug="support_triage", name="Support triage", draft=spec
    )
    thread = thread_create(workspace=people["acme"], graph=graph)
    run_start(thread=thread, input={"ticket": "Please refund my invoice"})
    checkpoint = m.Checkpoint.objects.filter(thread_id=str(thread.pk)).values_list(
        "checkpoint_id", flat=True
    )[0]
    client = APIClient()
    client.force_authenticate(people["bob"])
    url = f"/api/threads/{thread.pk}/review/"
    cases = [
        ({"action": "update_state", "values": {"category": {"a": 1}}}, "/values/category"),
        ({"action": "update_state", "values": {"bogus": 1}}, "/values/bogus"),
        (
            {"action": "fork", "checkpoint_id": checkpoint, "values": {"ticket": 3}},
            "/values/ticket",
        ),
        ({"action": "start_run", "input": {"ticket": ["x"]}}, "/input/ticket"),
        ({"action": "start_run", "input": [1]}, "/input"),
    ]
    runs = m.Run.objects.filter(thread=thread).count()
    for body, path in cases:
        error = assert_error(client.post(url, body, format="json"), 400, "invalid")
        assert [f["path"] for f in error["fields"]] == [path], (body, error)
    assert m.Run.objects.filter(thread=thread).count() == runs


async def test_new_input_does_not_silently_drop_a_pending_review(people):
    thread, iid = await db(paused_thread)(people["acme"])
    bob, _, _ = await connect(f"/ws/threads/{thread.pk}/", people["bob"])
    start = {"action": "start_run", "input": {"text": "again"}, "request_id": "n"}
    refused = await act(bob, start)
    assert refused["type"] == "error" and "waiting for a review (1 open)" in refused["reason"]
    assert await db(m.Run.objects.filter(thread=thread).count)() == 1

    # Said explicitly, the new run starts over; the run.created event says it is new input.
    accepted = await act(bob, {**start, "drop_review": True, "request_id": "d"})
    assert accepted["type"] == "ack", accepted
    created = await db(
        lambda: list(m.RunEvent.objects.filter(thread=thread, type="run.created").order_by("seq"))
    )()
    assert [e.payload["new_input"] for e in created] == [True, True]
    await bob.disconnect()


def test_the_audit_trail_says_edited_for_edit_and_continue_and_names_the_rewound_checkpoint(
    people,
):
    import json

    from django.conf import settings

    from builder.services.threads import thread_create

    spec = json.loads(
        (settings.BASE_DIR / "runtime" / "examples" / "support_triage.json").read_text()
    )
    graph = m.Graph.objects.create(
        workspace=people["acme"], slug="support_triage", name="Support triage", draft=spec
    )
    thread = thread_create(workspace=people["acme"], graph=graph)
    run_start(thread=thread, input={"ticket": "Please refund my invoice"})
    client = APIClient()
    client.force_authenticate(people["bob"])
    url = f"/api/threads/{thread.pk}/review/"
    answer = {"decision": "approve", "draft": "Refund on its way.", "comment": "Shorter"}
    assert client.post(url, {"action": "resume", "value": answer}, format="json").status_code < 300
    resumed = m.AuditEntry.objects.get(thread=thread, action="review.resume")
    assert resumed.detail["edited_fields"] == ["draft"]
    assert resumed.detail["decision"] == "approve" and resumed.detail["comment"] == "Shorter"

    first = m.Checkpoint.objects.filter(thread_id=str(thread.pk)).order_by("checkpoint_id")[0]
    body = {"action": "fork", "checkpoint_id": first.checkpoint_id, "values": {"ticket": "Hi"}}
    assert client.post(url, body, format="json").status_code < 300
    fork = m.AuditEntry.objects.get(thread=thread, action="review.fork")
    assert fork.detail["checkpoint_id"] == first.checkpoint_id
    assert fork.detail["fork_checkpoint_id"] not in ("", first.checkpoint_id)
