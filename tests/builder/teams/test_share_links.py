"""Share links: a public read-only page and JSON, which stop working at once when the
link is revoked or expires."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from builder import models as m
from tests.builder.teams.conftest import client_for, paused_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(team):
    thread, _run = paused_thread(team["acme"])
    answer = client_for(team["editor"]).post(
        f"/api/threads/{thread.pk}/share-links/", {"expires_in": 3600}, format="json"
    )
    assert answer.status_code == 201
    return thread, answer.json()


def test_anyone_with_the_token_reads_the_thread(shared, client):
    thread, link = shared
    assert link["url"].endswith(f"/share/{link['token']}/")
    assert not m.ShareLink.objects.filter(token=link["token"]).exists()  # stored hashed
    data = client.get(f"/api/share/{link['token']}/thread/")
    assert data.status_code == 200
    body = data.json()
    assert body["thread"]["thread_id"] == str(thread.pk)
    assert [e["type"] for e in body["events"]] == ["interrupt"]
    assert {"graph", "history", "audit", "comments"} <= set(body)
    assert data["Cache-Control"] == "no-store"

    page = client.get(f"/share/{link['token']}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '"page": "share"' in html.replace("&quot;", '"')
    assert str(thread.pk) in html
    assert page["Referrer-Policy"] == "no-referrer"


def test_a_revoked_link_stops_working_at_once(shared, team, client):
    _thread, link = shared
    assert client.get(f"/api/share/{link['token']}/thread/").status_code == 200
    revoked = client_for(team["editor"]).delete(f"/api/share-links/{link['id']}/")
    assert revoked.status_code == 204
    gone = client.get(f"/api/share/{link['token']}/thread/")
    assert gone.status_code == 404
    assert "revoked" in gone.json()["error"]["message"]
    page = client.get(f"/share/{link['token']}/")
    assert page.status_code == 404 and "not available" in page.content.decode()


def test_an_expired_link_stops_working(shared, client):
    _thread, link = shared
    m.ShareLink.objects.filter(pk=link["id"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(f"/api/share/{link['token']}/thread/").status_code == 404
    assert client.get(f"/share/{link['token']}/").status_code == 404


def test_who_may_revoke(shared, team):
    _thread, link = shared
    # A reviewer did not create it and is not an owner; the outsider cannot even see it.
    assert client_for(team["reviewer"]).delete(f"/api/share-links/{link['id']}/").status_code == 403
    assert client_for(team["outsider"]).delete(f"/api/share-links/{link['id']}/").status_code == 404
    assert client_for(team["owner"]).delete(f"/api/share-links/{link['id']}/").status_code == 204


def test_links_are_listed_without_their_token(shared, team):
    thread, link = shared
    listed = client_for(team["editor"]).get(f"/api/threads/{thread.pk}/share-links/").json()
    assert [item["id"] for item in listed["results"]] == [link["id"]]
    assert "token" not in listed["results"][0] and listed["results"][0]["live"] is True


def test_unknown_tokens_are_404(client, db):
    assert client.get("/api/share/nope/thread/").status_code == 404
    assert client.get("/share/nope/").status_code == 404
