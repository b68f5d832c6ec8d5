"""Open sockets follow access changes: removed members, revoked keys and deactivated
users stop getting a thread's events at once (close 4403); role changes and new
memberships are picked up without reconnecting.

Runs on the channel layer the suite is configured with: in memory, or Redis when
REDIS_URL is set (a private prefix per test, so parallel runs do not hear each other).
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from builder import models as m
from builder.eventlog import events_record
from builder.services.api_graphs import membership_remove
from builder.services.apikeys import apikey_create, apikey_revoke
from builder.services.runs import run_start
from builder.services.workspaces import membership_set
from tests.builder.ws.conftest import connect, db, make_thread, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def layer(people, settings) -> str:
    """The channel layer under test (after ``people``, whose settings pick in-memory)."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        return "memory"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": redis_url, "socket_timeout": 30}],
                "prefix": f"test-access-{uuid.uuid4().hex[:8]}",
            },
        }
    }
    return "redis"


def record(thread: m.Thread, i: int) -> int:
    return events_record(thread.pk, None, [("custom", {"i": i})])[0].seq


async def next_event_or_close(comm: WebsocketCommunicator, timeout: float = 5) -> dict[str, Any]:
    """The next thread event or close frame (presence frames skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        early = getattr(comm, "_early", None)
        out = early.pop(0) if early else await comm.receive_output(deadline - loop.time())
        if out["type"] == "websocket.close":
            return {"close": out.get("code")}
        msg = json.loads(out["text"])
        if msg["type"] == "batch":
            return msg["events"][0]
        if "seq" in msg:
            return msg


async def watch(thread: m.Thread, user: Any, **kw: Any) -> WebsocketCommunicator:
    comm, ok, code = await connect(f"/ws/threads/{thread.pk}/", user, **kw)
    assert ok, code
    await receive_type(comm, "presence")
    return comm


async def test_a_removed_member_stops_getting_events_at_once(people, layer):
    thread = await db(make_thread)(people["acme"])
    bob = await watch(thread, people["bob"])
    carol = await watch(thread, people["carol"])
    seq = await db(record)(thread, 1)
    assert (await next_event_or_close(bob))["seq"] == seq

    await db(membership_remove)(workspace=people["acme"], user=people["bob"])
    assert await next_event_or_close(bob) == {"close": 4403}
    seq = await db(record)(thread, 2)
    # Nothing after the close, while a member who stayed still follows the thread.
    assert await bob.receive_nothing(timeout=0.3)
    while (event := await next_event_or_close(carol))["seq"] < seq:
        pass
    assert event["data"] == {"i": 2}
    await bob.disconnect()
    await carol.disconnect()

    _, ok, code = await connect(f"/ws/threads/{thread.pk}/", people["bob"])
    assert (ok, code) == (False, 4404)


async def test_a_role_change_keeps_the_socket_and_updates_what_it_may_do(people, layer):
    thread = await db(make_thread)(people["acme"])
    bob = await watch(thread, people["bob"])
    await db(membership_set)(workspace=people["acme"], user=people["bob"], role="viewer")
    seq = await db(record)(thread, 1)
    assert (await next_event_or_close(bob))["seq"] == seq  # a viewer still watches
    await bob.send_json_to({"request_id": "r1", "action": "cancel"})
    reply = await receive_type(bob, "error")
    assert reply["request_id"] == "r1" and "reviewer" in reply["reason"]
    await bob.disconnect()


async def test_a_revoked_key_and_a_deactivated_user_close_their_sockets(people, layer):
    thread = await db(make_thread)(people["acme"])
    key, secret = await db(apikey_create)(user=people["bob"], name="script")
    by_key = await watch(thread, AnonymousUser(), headers=[(b"x-api-key", secret.encode())])
    by_session = await watch(thread, people["bob"])
    await db(apikey_revoke)(key=key)
    assert await next_event_or_close(by_key) == {"close": 4403}
    assert await by_session.receive_nothing(timeout=0.3)  # the session is still valid

    vic = people["vic"]
    vic_socket = await watch(thread, vic)
    vic_inbox, ok, _ = await connect("/ws/inbox/", vic)
    assert ok and (await receive_type(vic_inbox, "inbox"))["items"] == []
    vic.is_active = False
    await db(vic.save)()
    assert await next_event_or_close(vic_socket) == {"close": 4403}
    assert (await vic_inbox.receive_output(timeout=5))["code"] == 4403
    for comm in (by_key, by_session, vic_socket, vic_inbox):
        await comm.disconnect()


async def test_deleting_the_workspace_closes_its_sockets(people, layer):
    thread = await db(make_thread)(people["other"])
    mallory = await watch(thread, people["mallory"])
    await db(people["other"].delete)()
    assert await next_event_or_close(mallory) == {"close": 4403}
    await mallory.disconnect()


def pause(workspace: m.Workspace) -> m.Thread:
    thread = make_thread(workspace)
    run_start(thread=thread, input={"text": "x"})
    return thread


async def test_the_inbox_follows_memberships_without_reconnecting(people, layer):
    acme_thread = await db(pause)(people["acme"])
    other_thread = await db(pause)(people["other"])
    bob, ok, _ = await connect("/ws/inbox/", people["bob"])
    assert ok
    items = (await receive_type(bob, "inbox"))["items"]
    assert [i["thread_id"] for i in items] == [str(acme_thread.pk)]

    await db(membership_set)(workspace=people["other"], user=people["bob"], role="reviewer")
    items = (await receive_type(bob, "inbox"))["items"]
    assert {i["thread_id"] for i in items} == {str(acme_thread.pk), str(other_thread.pk)}

    await db(membership_remove)(workspace=people["acme"], user=people["bob"])
    items = (await receive_type(bob, "inbox"))["items"]
    assert [i["thread_id"] for i in items] == [str(other_thread.pk)]

    # A new review waiting in the workspace left is not announced; one in the joined is.
    await db(pause)(people["acme"])
    newer = await db(pause)(people["other"])
    items = (await receive_type(bob, "inbox"))["items"]
    assert [i["thread_id"] for i in items] == [str(other_thread.pk), str(newer.pk)]
    await bob.disconnect()


async def test_a_superuser_who_loses_the_flag_loses_what_only_the_flag_gave(people, layer):
    # Not a member of 'other': only the superuser flag let them watch its thread.
    thread = await db(make_thread)(people["other"])
    vic = people["vic"]
    vic.is_superuser = True
    await db(vic.save)()
    comm = await watch(thread, vic)
    vic.is_superuser = False
    await db(vic.save)()
    assert await next_event_or_close(comm) == {"close": 4403}
    await comm.disconnect()
