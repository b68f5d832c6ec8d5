"""Provider credentials (never returned), comments on checkpoints, the audit trail API
and API keys through the API."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.eventlog import event_as_dict
from builder.execution.credentials import credential_secret, run_registry
from tests.builder.teams.conftest import client_for, paused_thread

pytestmark = pytest.mark.django_db

SECRET = "sk-live-abcdefghijklmnopqrstuvwxyz0123456789"


def test_credentials_are_encrypted_and_never_returned(team, settings):
    owner = client_for(team["owner"])
    created = owner.post(
        "/api/workspaces/acme/credentials/",
        {"provider": "openai", "name": "prod", "secret": SECRET, "base_url": "https://x.test/v1"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["hint"] == "sk-…6789"
    listed = owner.get("/api/workspaces/acme/credentials/")
    audit = owner.get("/api/workspaces/acme/audit/")
    for answer in (created, listed, audit):
        assert SECRET not in answer.content.decode()
        assert "secret" not in answer.content.decode().replace("secret_", "")
    row = m.ProviderCredential.objects.get()
    assert SECRET not in row.secret_encrypted and credential_secret(row) == SECRET

    # Runs of the workspace get it as provider settings; other workspaces do not.
    given = run_registry(team["acme"].pk).provider_settings("openai")
    assert callable(given.pop("url_check"))  # the base URL is checked again per request
    assert given == {"api_key": SECRET, "base_url": "https://x.test/v1"}
    assert "api_key" not in run_registry(team["other"].pk).providers.get("openai", {})

    # With a separate CREDENTIALS_KEY the SECRET_KEY-derived ciphertext no longer opens.
    from cryptography.fernet import Fernet

    settings.BUILDER = {**settings.BUILDER, "CREDENTIALS_KEY": Fernet.generate_key().decode()}
    assert "openai" not in run_registry(team["acme"].pk).providers

    # The demo model's pace is the server's setting.
    settings.BUILDER = {**settings.BUILDER, "FAKE_MODEL_TOKEN_SECONDS": 0.04}
    assert run_registry(team["acme"].pk).provider_settings("fake") == {"token_seconds": 0.04}

    gone = owner.delete(f"/api/workspaces/acme/credentials/{row.pk}/")
    assert gone.status_code == 204 and not m.ProviderCredential.objects.exists()


def test_credential_input_is_checked(team):
    owner = client_for(team["owner"])
    url = "/api/workspaces/acme/credentials/"
    assert (
        owner.post(url, {"provider": "x", "name": "a", "secret": "s"}, format="json").status_code
        == 400
    )
    ok = {"provider": "anthropic", "name": "a", "secret": "sk-ant-123456789012"}
    assert owner.post(url, ok, format="json").status_code == 201
    assert owner.post(url, ok, format="json").status_code == 422  # same name


def test_comments_are_plain_text_posted_by_reviewers_and_announced(team):
    thread, _run = paused_thread(team["acme"])
    body = '<img src=x onerror="alert(1)"> looks fine'
    reviewer = client_for(team["reviewer"])
    url = f"/api/threads/{thread.pk}/comments/"
    created = reviewer.post(url, {"checkpoint_id": "0001", "body": body}, format="json")
    assert created.status_code == 201 and created.json()["body"] == body
    assert created.json()["author"] == "reviewer"
    assert (
        reviewer.post(url, {"checkpoint_id": "nope", "body": "x"}, format="json").status_code == 422
    )
    assert (
        reviewer.post(url, {"checkpoint_id": "0001", "body": "x" * 4001}, format="json").status_code
        == 400
    )

    listed = client_for(team["viewer"]).get(url + "?checkpoint_id=0001").json()["results"]
    assert [c["body"] for c in listed] == [body]
    assert client_for(team["viewer"]).get(url + "?checkpoint_id=other").json()["results"] == []
    event = m.RunEvent.objects.filter(thread=thread, type="comment.created").get()
    assert event_as_dict(event)["data"]["body"] == body


def test_audit_trail_is_filterable(team):
    thread, _run = paused_thread(team["acme"])
    client_for(team["reviewer"]).post(
        f"/api/threads/{thread.pk}/review/",
        {"action": "resume", "value": {"decision": "approve"}},
        format="json",
    )
    client_for(team["reviewer"]).post(
        f"/api/threads/{thread.pk}/comments/",
        {"checkpoint_id": "0001", "body": "ok"},
        format="json",
    )
    viewer = client_for(team["viewer"])
    everything = viewer.get(f"/api/threads/{thread.pk}/audit/").json()["results"]
    actions = {e["action"] for e in everything}
    assert {"review.resume", "run.started", "comment.created"} <= actions
    reviews = viewer.get(f"/api/threads/{thread.pk}/audit/?action=review").json()["results"]
    assert [e["action"] for e in reviews] == ["review.resume"]
    assert reviews[0]["actor"] == "reviewer"
    by_owner = viewer.get(f"/api/threads/{thread.pk}/audit/?actor=owner").json()["results"]
    assert by_owner == []
    workspace_wide = client_for(team["owner"]).get("/api/workspaces/acme/audit/?actor=reviewer")
    assert {e["action"] for e in workspace_wide.json()["results"]} >= {"review.resume"}


def test_api_keys_are_shown_once_and_revocable(team, client):
    me = client_for(team["editor"])
    created = me.post("/api/keys/", {"name": "ci", "workspace": "acme"}, format="json")
    assert created.status_code == 201
    secret = created.json()["key"]
    listed = me.get("/api/keys/").json()["results"]
    assert [k["prefix"] for k in listed] == [created.json()["prefix"]]
    assert secret not in str(listed) and listed[0]["last_used_at"] is None

    used = client.get("/api/me/", HTTP_X_API_KEY=secret)
    assert used.status_code == 200
    assert me.get("/api/keys/").json()["results"][0]["last_used_at"] is not None
    # A workspace-limited key cannot mint an unlimited one.
    minted = client.post(
        "/api/keys/", {"name": "x"}, content_type="application/json", HTTP_X_API_KEY=secret
    )
    assert minted.status_code == 403
    # Someone else's key is not found; one's own is revoked and stops working.
    assert client_for(team["owner"]).delete(f"/api/keys/{listed[0]['id']}/").status_code == 404
    assert me.delete(f"/api/keys/{listed[0]['id']}/").status_code == 204
    assert client.get("/api/me/", HTTP_X_API_KEY=secret).status_code == 401
    assert me.post("/api/keys/", {"workspace": "other"}, format="json").status_code == 404
