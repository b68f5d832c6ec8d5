"""Authentication (session with CSRF, X-Api-Key), workspace scoping and the error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from builder import models as m
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_in_the_error_shape():
    error = assert_error(APIClient().get("/api/me/"), 401, "not_authenticated")
    assert "credentials" in error["message"]


def test_api_key_authenticates(acme, key_for):
    client = APIClient(headers={"X-Api-Key": key_for(acme["alice"])})
    body = client.get("/api/me/").json()
    assert body["user"]["username"] == "alice"
    assert body["workspaces"] == [{"slug": "acme", "name": "Acme", "role": "owner"}]


def test_unknown_and_revoked_keys_are_refused(acme, key_for):
    assert_error(
        APIClient(headers={"X-Api-Key": "sy_nope"}).get("/api/me/"), 401, "authentication_failed"
    )
    secret = key_for(acme["alice"])
    m.ApiKey.objects.update(revoked_at=timezone.now())
    assert_error(APIClient(headers={"X-Api-Key": secret}).get("/api/me/"), 401)


def test_last_used_at_is_written_at_most_once_a_minute(acme, key_for):
    secret = key_for(acme["alice"])
    client = APIClient(headers={"X-Api-Key": secret})
    client.get("/api/me/")
    first = m.ApiKey.objects.get().last_used_at
    assert first is not None
    client.get("/api/me/")
    assert m.ApiKey.objects.get().last_used_at == first
    m.ApiKey.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/me/")
    assert m.ApiKey.objects.get().last_used_at > first - dt.timedelta(minutes=1)


def test_key_limited_to_a_workspace_sees_only_it(acme, key_for, django_user_model):
    m.Membership.objects.create(user=acme["alice"], workspace=acme["other"], role="viewer")
    scoped = APIClient(headers={"X-Api-Key": key_for(acme["alice"], acme["other"])})
    assert [w["slug"] for w in scoped.get("/api/me/").json()["workspaces"]] == ["other"]


def test_session_auth_enforces_csrf(acme, echo_graph):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="alice", password="pw")
    assert client.get("/api/me/").status_code == 200
    response = client.patch(f"/api/graphs/{echo_graph.pk}/", {"name": "x"}, format="json")
    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]


def test_objects_of_other_workspaces_answer_404(acme, client_for, other_graph):
    client = client_for(acme["alice"])
    for url in (
        f"/api/graphs/{other_graph.pk}/",
        f"/api/graphs/{other_graph.pk}/versions/",
        f"/api/graphs/{other_graph.pk}/export/",
        "/api/workspaces/other/members/",
    ):
        assert_error(client.get(url), 404, "not_found")
    assert_error(client.delete(f"/api/graphs/{other_graph.pk}/"), 404)
    assert m.Graph.objects.filter(pk=other_graph.pk).exists()


def test_validation_errors_carry_json_pointers(acme, client_for, echo_graph):
    client = client_for(acme["alice"])
    error = assert_error(
        client.patch(f"/api/graphs/{echo_graph.pk}/", {"spec": [1, 2]}, format="json"),
        400,
        "invalid",
    )
    paths = {f["path"] for f in error["fields"]}
    assert "/spec" in paths


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", "null", '{"spec": 5}', '{"name": {"a": 1}}'],
)
def test_malformed_bodies_never_500(acme, client_for, body):
    client = client_for(acme["alice"])
    response = client.post("/api/graphs/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_unknown_api_path_is_a_json_404(acme, client_for):
    assert_error(client_for(acme["alice"]).get("/api/nothing/here"), 404, "not_found")


def test_method_not_allowed_uses_the_shape(acme, client_for):
    assert_error(client_for(acme["alice"]).put("/api/me/", {}), 405, "method_not_allowed")


def test_nul_characters_are_bad_input_not_a_500(acme, client_for):
    client = client_for(acme["alice"])
    assert_error(client.post("/api/graphs/", {"name": "a\x00b"}, format="json"), 400)
    assert_error(client.get("/api/graphs/?workspace=a%00b"), 400)


def test_unicode_digits_in_ids_are_not_found_not_a_server_error(db):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    user = get_user_model().objects.create_user("digits", password="x")
    client = APIClient()
    client.force_authenticate(user)
    for path in ("/api/graphs/³/", "/api/graphs/³/export/", "/api/graphs/١٢/versions/"):
        assert client.get(path).status_code == 404, path
