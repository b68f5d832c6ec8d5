"""X-Api-Key on the handshake, and the inbox socket."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from builder import models as m
from builder.services.apikeys import apikey_create, apikey_revoke
from builder.services.runs import run_start
from tests.builder.ws.conftest import connect, db, make_thread, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


def key_header(secret: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-api-key", secret.encode())]


async def test_an_api_key_authenticates_and_a_revoked_one_is_refused(people):
    thread = await db(make_thread)(people["acme"])
    key, secret = await db(apikey_create)(user=people["bob"], name="script")
    path = f"/ws/threads/{thread.pk}/"
    comm, ok, _ = await connect(path, AnonymousUser(), headers=key_header(secret))
    assert ok
    assert (await receive_type(comm, "presence"))["viewers"] == ["bob"]
    await comm.disconnect()

    _, ok, code = await connect(path, AnonymousUser(), headers=key_header("sy_wrong"))
    assert (ok, code) == (False, 4401)
    await db(apikey_revoke)(key=key)
    _, ok, code = await connect(path, AnonymousUser(), headers=key_header(secret))
    assert (ok, code) == (False, 4401)


async def test_a_key_limited_to_another_workspace_sees_nothing_here(people):
    thread = await db(make_thread)(people["acme"])
    elsewhere = await db(m.Workspace.objects.create)(slug="elsewhere", name="Elsewhere")
    await db(m.Membership.objects.create)(user=people["bob"], workspace=elsewhere, role="owner")
    _, secret = await db(apikey_create)(user=people["bob"], workspace=elsewhere)
    _, ok, code = await connect(
        f"/ws/threads/{thread.pk}/", AnonymousUser(), headers=key_header(secret)
    )
    assert (ok, code) == (False, 4404)


def pause(workspace: m.Workspace) -> m.Thread:
    thread = make_thread(workspace)
    run_start(thread=thread, input={"text": "x"})
    return thread


async def test_inbox_lists_waiting_reviews_and_follows_changes(people):
    first = await db(pause)(people["acme"])
    await db(pause)(people["other"])  # mallory's: never in bob's inbox
    bob, ok, _ = await connect("/ws/inbox/", people["bob"])
    assert ok
    inbox = await receive_type(bob, "inbox")
    assert [i["thread_id"] for i in inbox["items"]] == [str(first.pk)]
    item = inbox["items"][0]
    assert item["interrupt"]["title"] == "Approve the draft?" and item["node"] == "review"
    assert item["workspace"] == "acme" and item["interrupt_id"]
    assert item["node_label"] == "review"  # a code graph's node is named by its id

    second = await db(pause)(people["acme"])
    inbox = await receive_type(bob, "inbox")
    assert [i["thread_id"] for i in inbox["items"]] == [str(first.pk), str(second.pk)]

    from builder.services.review import Reviewer, review_act

    await db(review_act)(
        thread_id=str(first.pk),
        reviewer=Reviewer(people["carol"]),
        message={"action": "resume", "interrupt_id": item["interrupt_id"], "decision": "approve"},
    )
    inbox = await receive_type(bob, "inbox")
    assert [i["thread_id"] for i in inbox["items"]] == [str(second.pk)]
    await bob.disconnect()


async def test_a_viewer_has_no_reviews_waiting(people):
    await db(pause)(people["acme"])
    vic, ok, _ = await connect("/ws/inbox/", people["vic"])
    assert ok
    assert (await receive_type(vic, "inbox"))["items"] == []
    await vic.disconnect()
    _, ok, code = await connect("/ws/inbox/", AnonymousUser())
    assert (ok, code) == (False, 4401)


async def test_a_session_socket_from_another_site_is_refused(people, settings):
    settings.ALLOWED_HOSTS = ["switchyard.example"]
    thread = await db(make_thread)(people["acme"])
    path = f"/ws/threads/{thread.pk}/"
    host = (b"host", b"switchyard.example")

    async def code_for(origin: bytes, *extra: tuple[bytes, bytes]) -> int | None:
        comm, ok, code = await connect(path, people["bob"], headers=[(b"origin", origin), *extra])
        if ok:
            await comm.disconnect()
        return None if ok else code

    assert await code_for(b"https://evil.example", host) == 4403
    assert await code_for(b"http://switchyard.example", host) is None
    assert await code_for(b"http://switchyard.example:80", host) is None
    # The same host on another port or scheme is another origin.
    assert await code_for(b"http://switchyard.example:8080", host) == 4403
    assert await code_for(b"https://switchyard.example", host) == 4403
    assert await code_for(b"http://switchyard.example") == 4403  # no Host to compare with
    assert await code_for(b"null", host) == 4403
    # A host outside ALLOWED_HOSTS is refused even when it matches its own Host header.
    assert await code_for(b"http://evil.example", (b"host", b"evil.example")) == 4403
    # TLS ended at a trusted proxy: the browser's origin is https.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proto = (b"x-forwarded-proto", b"https")
    assert await code_for(b"https://switchyard.example", host, proto) is None
    assert await code_for(b"http://switchyard.example", host, proto) == 4403
    # Another origin is let in only when it is trusted, exactly.
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.switchyard.example"]
    assert await code_for(b"https://app.switchyard.example", host) is None
    assert await code_for(b"http://app.switchyard.example", host) == 4403


def test_an_inbox_preview_is_one_short_line_of_what_is_under_review():
    from builder.selectors.review import PREVIEW_LENGTH, interrupt_preview

    shown = {"kind": "human", "fields": {"ticket": "Where is my invoice?", "tags": ["a"]}}
    assert interrupt_preview(shown) == 'ticket: Where is my invoice? · tags: ["a"]'
    review = {"fields": {"draft": "Hi", "ticket": "T"}, "editable_fields": ["draft"]}
    assert interrupt_preview(review) == "ticket: T · draft: Hi"  # context first
    assert interrupt_preview("Approve?") == "Approve?"
    assert interrupt_preview({"instructions": "Check it"}) == "Check it"
    long = interrupt_preview({"fields": {"draft": "x" * 1000}})
    assert len(long) == PREVIEW_LENGTH and long.endswith("…")
    assert interrupt_preview(None) == ""
