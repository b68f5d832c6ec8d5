"""Fixtures for the API tests: users with each role, clients, API keys, a spec graph."""

from __future__ import annotations

import copy

import pytest
from rest_framework.test import APIClient

from builder import models as m
from builder.services.apikeys import apikey_create
from tests.builder.conftest import SIMPLE_SPEC


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2's deliberate slowness costs seconds per test user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def acme(django_user_model):
    """Workspace ``acme`` with owner alice, editor erin, reviewer rita, viewer victor;
    and workspace ``other`` owned by mallory (nobody of acme is a member)."""
    ws = m.Workspace.objects.create(slug="acme", name="Acme")
    users = {}
    for name, role in [
        ("alice", "owner"),
        ("erin", "editor"),
        ("rita", "reviewer"),
        ("victor", "viewer"),
    ]:
        users[name] = django_user_model.objects.create_user(name, password="pw")
        m.Membership.objects.create(user=users[name], workspace=ws, role=role)
    other = m.Workspace.objects.create(slug="other", name="Other")
    users["mallory"] = django_user_model.objects.create_user("mallory", password="pw")
    m.Membership.objects.create(user=users["mallory"], workspace=other, role="owner")
    return {"workspace": ws, "other": other, **users}


@pytest.fixture
def client_for():
    """``client_for(user)``: an APIClient authenticated as the user (forced auth)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def key_for():
    """``key_for(user, workspace=None)``: a new API key's secret."""

    def make(user, workspace=None):
        return apikey_create(user=user, workspace=workspace)[1]

    return make


@pytest.fixture
def spec():
    return copy.deepcopy(SIMPLE_SPEC)


@pytest.fixture
def echo_graph(acme, spec):
    return m.Graph.objects.create(
        workspace=acme["workspace"], slug="echo", name="Echo", draft=spec, created_by=acme["alice"]
    )


@pytest.fixture
def other_graph(acme, spec):
    return m.Graph.objects.create(workspace=acme["other"], slug="secret", name="Secret", draft=spec)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is the API's error shape with this status (and code)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], list)
    if code is not None:
        assert error["code"] == code, error
    return error
