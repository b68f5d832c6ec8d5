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
    assert joined.status_code == 302 and joined["Location"] == "/app/graphs?workspace=acme"
    assert m.Membership.objects.get(user=newcomer, workspace=team["acme"]).role == "editor"

    # Single use.
    again = client.post(f"/invite/{body['token']}/")
    assert again.status_code == 404 and "already used" in again.content.decode()
    listed = client_for(team["owner"]).get("/api/workspaces/acme/invitations/").json()
    assert listed["results"][0]["accepted_by"] == "newcomer"
    assert "token" not in listed["results"][0]


def test_a_visitor_signs_up_through_the_invitation_and_joins(team, client):
    _invitation, token = invitation_create(workspace=team["acme"], role="reviewer", user=None)
    page = client.get(f"/invite/{token}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Create account and join" in body
    assert f"/login/?next=%2Finvite%2F{token}%2F" in body  # or log in with an account
    # Same-origin, so the form posts with a real Origin header that CSRF accepts.
    assert page["Referrer-Policy"] == "same-origin"

    joined = client.post(
        f"/invite/{token}/",
        {
            "username": "newcomer",
            "password1": "a long passphrase 7",
            "password2": "a long passphrase 7",
        },
    )
    assert joined.status_code == 302 and joined["Location"] == "/app/graphs?workspace=acme"
    membership = m.Membership.objects.get(user__username="newcomer", workspace=team["acme"])
    assert membership.role == "reviewer"
    assert membership.user.check_password("a long passphrase 7")
    assert client.get("/api/me/").json()["user"]["username"] == "newcomer"  # logged in
    entry = m.AuditEntry.objects.get(action="invitation.accepted")
    assert entry.detail["signed_up"] is True and entry.actor.username == "newcomer"


def test_sign_up_errors_are_shown_and_create_nobody(team, client, django_user_model):
    _invitation, token = invitation_create(workspace=team["acme"], role="viewer", user=None)
    taken = client.post(
        f"/invite/{token}/",
        {"username": "editor", "password1": "x9!long-pw", "password2": "x9!long-pw"},
    )
    assert taken.status_code == 400 and "already exists" in taken.content.decode()
    mismatch = client.post(
        f"/invite/{token}/",
        {"username": "new", "password1": "x9!long-pw", "password2": "other-pw1"},
    )
    assert mismatch.status_code == 400 and "didn" in mismatch.content.decode()
    assert not django_user_model.objects.filter(username="new").exists()

    invitation, used = invitation_create(workspace=team["acme"], role="viewer", user=None)
    m.Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    gone = client.post(
        f"/invite/{used}/",
        {"username": "new", "password1": "x9!long-pw", "password2": "x9!long-pw"},
    )
    assert gone.status_code == 404 and "revoked" in gone.content.decode()
    assert not django_user_model.objects.filter(username="new").exists()


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
