"""Login rate limiting, CSRF on session requests, and the cache configuration."""

from __future__ import annotations

import pytest
from django.test import Client

from builder.ratelimit import counter_cache
from tests.builder.test_settings import _settings_in_subprocess

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    counter_cache().clear()
    yield
    counter_cache().clear()


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_that_username_from_that_address(team):
    client = Client()
    for _ in range(4):
        assert _login(client, "owner", "wrong").status_code == 200
    locked = _login(client, "owner", "wrong")
    assert locked.status_code == 429
    assert "Too many failed login attempts. Try again in 15 minutes." in locked.content.decode()
    # Even the right password is refused while locked, without being checked.
    assert _login(client, "owner", "pw").status_code == 429
    # Another address, or another username, is not affected.
    assert _login(client, "owner", "pw", ip="10.0.0.2").status_code == 302
    assert _login(Client(), "editor", "pw").status_code == 302


def test_a_success_resets_the_count(team):
    client = Client()
    for _ in range(4):
        _login(client, "owner", "wrong")
    assert _login(client, "owner", "pw").status_code == 302
    for _ in range(4):
        assert _login(Client(), "owner", "wrong").status_code == 200


def test_the_admin_login_is_under_the_same_lockout(team, django_user_model):
    django_user_model.objects.create_superuser("root", password="pw")
    client = Client()

    def admin_login(password: str, ip: str = "10.0.0.1"):
        form = {"username": "root", "password": password, "next": "/admin/"}
        return client.post("/admin/login/", form, REMOTE_ADDR=ip)

    for _ in range(4):
        assert admin_login("wrong").status_code == 200
    # /login/ and /admin/login/ share one count: the fifth failure, on either, locks both.
    assert _login(Client(), "root", "wrong").status_code == 429
    locked = admin_login("pw")
    assert locked.status_code == 429
    assert "Too many failed login attempts. Try again in 15 minutes." in locked.content.decode()
    assert not client.session.get("_auth_user_id")
    assert admin_login("pw", ip="10.0.0.2").status_code == 302
    assert client.get("/admin/login/").status_code == 302  # signed in: on to the index


def test_session_writes_need_the_csrf_token(team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team["owner"])
    url = "/api/workspaces/acme/invitations/"
    refused = client.post(url, {"role": "viewer"}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    client.get("/app/")  # sets the csrftoken cookie, as the app page does
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        url, {"role": "viewer"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
    # The login form itself is CSRF-protected too.
    assert Client(enforce_csrf_checks=True).post("/login/", {}).status_code == 403


def test_cache_is_local_memory_by_default_and_redis_with_redis_url():
    assert "LocMemCache" in _settings_in_subprocess({}, "s.CACHES['default']['BACKEND']")
    assert "RedisCache" in _settings_in_subprocess(
        {"REDIS_URL": "redis://127.0.0.1:6379/0"}, "s.CACHES['default']['BACKEND']"
    )
