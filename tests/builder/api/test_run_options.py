"""Run options at the HTTP and service level: webhook (URL checks, SSRF refusal, bounded
retries), after_seconds, context, Command goto with Send objects; the thread stream's
input errors."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.utils import timezone

from builder import models as m
from builder.execution import dispatch as dispatching
from builder.execution import lifecycle
from builder.execution.driver import command_from_json
from builder.execution.webhooks import WebhookRefused, webhook_deliver, webhook_target
from builder.services import runs as run_services
from runtime import Command, Send
from tests.builder.api.conftest import assert_error
from tests.builder.api.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(acme, echo_graph, client_for):
    client = client_for(acme["alice"])
    return client.post("/api/threads", {}, format="json").json()["thread_id"]


def _create(client, thread_id, **body):
    return client.post(
        f"/api/threads/{thread_id}/runs", {"assistant_id": "echo", **body}, format="json"
    )


@pytest.mark.parametrize(
    "url, says",
    [
        ("ftp://example.com/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http:///nohost", "no host"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://127.0.0.1:8000/", "private, loopback or reserved"),
        ("http://[::1]/", "private, loopback or reserved"),
        ("http://[::ffff:10.0.0.1]/", "private, loopback or reserved"),
        ("http://169.254.169.254/latest/meta-data", "private, loopback or reserved"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
def test_webhook_urls_refused_at_creation(acme, thread, client_for, url, says):
    error = assert_error(_create(client_for(acme["alice"]), thread, webhook=url), 400)
    assert error["fields"][0]["path"] == "/webhook"
    assert says in error["fields"][0]["message"]
    assert not m.Run.objects.exists()


def test_webhook_private_allowed_by_setting(acme, thread, client_for, settings):
    settings.BUILDER = {**settings.BUILDER, "WEBHOOK_ALLOW_PRIVATE": True}
    response = _create(client_for(acme["alice"]), thread, webhook="http://127.0.0.1:9/hook")
    assert response.status_code == 200, response.content
    assert m.Run.objects.get().webhook == "http://127.0.0.1:9/hook"


def _resolving_to(monkeypatch, *addresses):
    def fake(host, port, *args, **kwargs):
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[6 if ":" in a else 4], socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_webhook_host_resolving_to_a_private_address_is_refused(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14", "10.1.2.3")
    with pytest.raises(WebhookRefused, match="10.1.2.3"):
        webhook_target("https://hooks.example.com/x")


def test_webhook_connects_to_the_checked_address(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14")
    target = webhook_target("https://hooks.example.com:8443/x?y=1")
    assert target.url == "https://93.184.215.14:8443/x?y=1"
    assert (target.host, target.host_header) == ("hooks.example.com", "hooks.example.com:8443")
    _resolving_to(monkeypatch, "2606:2800:220:1::1")
    assert webhook_target("http://hooks.example.com/").url == "http://[2606:2800:220:1::1]/"


def test_webhook_delivery_retries_are_bounded(settings):
    settings.BUILDER = {
        **settings.BUILDER,
        "WEBHOOK_ALLOW_PRIVATE": True,
        "WEBHOOK_ATTEMPTS": 3,
        "WEBHOOK_BACKOFF_SECONDS": 0.01,
    }
    failing = Receiver(failures=10)
    try:
        assert webhook_deliver(failing.url, {"run_id": "r"}) is False
        assert failing.hits == 3
    finally:
        failing.close()
    flaky = Receiver(failures=2)
    try:
        assert webhook_deliver(flaky.url, {"run_id": "r", "status": "success"}) is True
        assert flaky.hits == 3 and flaky.bodies[0]["status"] == "success"
    finally:
        flaky.close()


def test_webhook_refused_at_delivery_is_not_sent(settings):
    # Allowed when the run was made, no longer when it finished: nothing is sent.
    receiver = Receiver()
    try:
        assert webhook_deliver(receiver.url, {"run_id": "r"}) is False
        assert receiver.hits == 0
    finally:
        receiver.close()


def test_after_seconds_validation(acme, thread, client_for):
    client = client_for(acme["alice"])
    error = assert_error(_create(client, thread, after_seconds=-1), 400)
    assert error["fields"][0]["path"] == "/after_seconds"
    assert_error(_create(client, thread, after_seconds=10**9), 400)


def test_a_delayed_run_is_not_claimed_before_its_time(acme, echo_graph, thread):
    t = m.Thread.objects.get(pk=thread)
    run = run_services.run_start(thread=t, input={"text": "x"}, after_seconds=60)
    assert run.start_after > timezone.now() + dt.timedelta(seconds=55)
    assert lifecycle.run_claim(run.pk) is None
    assert m.Run.objects.get(pk=run.pk).status == "pending"
    # The sweeper leaves it alone until its start time is past...
    m.Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert run.pk not in dispatching.runs_stale()
    # ...then takes it, and the claim accepts it.
    m.Run.objects.filter(pk=run.pk).update(start_after=timezone.now() - dt.timedelta(hours=1))
    assert run.pk in dispatching.runs_stale()
    assert lifecycle.run_claim(run.pk).status == "running"


def test_context_is_kept_on_the_run(acme, thread, client_for):
    client = client_for(acme["alice"])
    body = _create(client, thread, context={"user": "ann"}).json()
    assert body["kwargs"]["context"] == {"user": "ann"}
    assert m.Run.objects.get().context == {"user": "ann"}
    error = assert_error(
        client.post(
            f"/api/threads/{thread}/runs/wait",
            {"assistant_id": "echo", "context": [1]},
            format="json",
        ),
        400,
    )
    assert error["fields"][0]["path"] == "/context"


@pytest.mark.parametrize(
    "goto, says",
    [
        (5, "expected a node name or a Send"),
        ([{"node": ""}], "needs a node name"),
        ([{"nodes": "x"}], "unknown Send key(s) nodes"),
        (["a", 3], "item 1: expected a node name or a Send"),
        ("", "expected a node name or a Send"),
    ],
)
def test_goto_validation(acme, thread, client_for, goto, says):
    response = _create(client_for(acme["alice"]), thread, command={"goto": goto})
    error = assert_error(response, 400)
    assert error["fields"][0]["path"] == "/command/goto"
    assert says in error["fields"][0]["message"]


def test_goto_accepts_names_and_sends(acme, thread, client_for):
    client = client_for(acme["alice"])
    goto = ["echo", {"node": "echo", "input": {"text": "a"}}]
    assert _create(client, thread, command={"goto": goto}).status_code == 200
    assert m.Run.objects.get().command == {"goto": goto}


def test_command_from_json_maps_sends():
    command = command_from_json(
        {"goto": [{"node": "w", "input": {"i": 1}}, "x"], "update": {"a": 1}, "resume": None}
    )
    assert command == Command(goto=[Send("w", {"i": 1}), "x"], update={"a": 1})
    assert command_from_json({"goto": {"node": "w"}}).goto == Send("w", None)
    assert command_from_json({"goto": "x"}).goto == "x"


def test_thread_stream_input_errors(acme, thread, client_for):
    client = client_for(acme["alice"])
    error = assert_error(client.get(f"/api/threads/{thread}/stream?stream_mode=values"), 400)
    assert error["fields"][0]["path"] == "/stream_mode"
    assert "run_modes" in error["fields"][0]["message"]
    assert_error(client_for(acme["mallory"]).get(f"/api/threads/{thread}/stream"), 404)
    assert_error(client.get("/api/threads/not-a-uuid/stream"), 404)
