"""Invitations by link: owners create and revoke; a logged-in user accepts once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from builder import models as m
from builder.services.teams import invitation_create
from tests.builder.teams.conftest import client_for

pytestmark = pytest.mark.django_db


def test_owner_invites_and_the_link_adds_a_member(team, client, django_user_model):
    answer = client_for(team["owner"]).post(
        "/api/workspaces/acme/invitations/", {"role": "editor"}, format="json"
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["url"].endswith(f"/invite/{body['token']}/")
    # Only the hash is stored.
    assert not m.Invitation.objects.filter(token_hash=body["token"]).exists()

    newcomer = django_user_model.objects.create_user("newcomer", password="pw")
    client.force_login(newcomer)
    page = client.get(f"/invite/{body['token']}/")
    assert page.status_code == 200 and "Join the workspace" in page.content.decode()
    assert not m.Membership.objects.filter(user=newcomer).exists()  # GET does not join

    joined = client.post(f"/invite/{body['token']}/")
    assert joined.status_code == 302
    assert m.Membership.objects.get(user=newcomer, workspace=team["acme"]).role == "editor"

    # Single use.
    again = client.post(f"/invite/{body['token']}/")
    assert again.status_code == 404 and "already used" in again.content.decode()
    listed = client_for(team["owner"]).get("/api/workspaces/acme/invitations/").json()
    assert listed["results"][0]["accepted_by"] == "newcomer"
    assert "token" not in listed["results"][0]


def test_anonymous_visitors_are_sent_to_log_in_first(team, client):
    _invitation, token = invitation_create(workspace=team["acme"], role="viewer", user=None)
    page = client.get(f"/invite/{token}/")
    assert page.status_code == 302 and page["Location"].startswith("/login/?next=/invite/")


def test_revoked_and_expired_invitations_do_not_work(team, client, django_user_model):
    invitation, token = invitation_create(workspace=team["acme"], role="viewer", user=None)
    gone = client_for(team["owner"]).delete(f"/api/workspaces/acme/invitations/{invitation.pk}/")
    assert gone.status_code == 204
    newcomer = django_user_model.objects.create_user("newcomer", password="pw")
    client.force_login(newcomer)
    page = client.post(f"/invite/{token}/")
    assert page.status_code == 404 and "revoked" in page.content.decode()

    expired, token2 = invitation_create(workspace=team["acme"], role="viewer", user=None)
    m.Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    page = client.post(f"/invite/{token2}/")
    assert page.status_code == 404 and "expired" in page.content.decode()
    assert client.get("/invite/not-a-token/").status_code == 404
    assert not m.Membership.objects.filter(user=newcomer).exists()


def test_an_invitation_never_demotes(team, client):
    _invitation, token = invitation_create(workspace=team["acme"], role="viewer", user=None)
    client.force_login(team["editor"])
    client.post(f"/invite/{token}/")
    assert m.Membership.objects.get(user=team["editor"], workspace=team["acme"]).role == "editor"


def test_invitation_input_is_checked(team):
    owner = client_for(team["owner"])
    bad_role = owner.post("/api/workspaces/acme/invitations/", {"role": "god"}, format="json")
    assert bad_role.status_code == 400
    too_long = owner.post("/api/workspaces/acme/invitations/", {"expires_in": 10**9}, format="json")
    assert too_long.status_code == 422
    other = owner.delete("/api/workspaces/acme/invitations/999999/")
    assert other.status_code == 404
