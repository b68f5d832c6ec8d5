"""Pages: login, the app shell (with and without a built frontend), /healthz."""

from __future__ import annotations

import json

import pytest

from builder import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def manifest(tmp_path, settings):
    """A fake Vite build: entry with CSS and one imported chunk."""
    path = tmp_path / ".vite" / "manifest.json"
    path.parent.mkdir()
    path.write_text(
        json.dumps(
            {
                "src/main.tsx": {
                    "file": "assets/main-abc.js",
                    "isEntry": True,
                    "css": ["assets/main-abc.css"],
                    "imports": ["_vendor.js"],
                },
                "_vendor.js": {"file": "assets/vendor-def.js", "css": ["assets/vendor.css"]},
            }
        )
    )
    settings.VITE_MANIFEST_PATH = path
    return path


@pytest.fixture
def no_manifest(tmp_path, settings):
    settings.VITE_MANIFEST_PATH = tmp_path / "missing.json"


def test_the_app_requires_login(client):
    for url in ("/", "/app/graphs/1"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_login_page_and_login(client, user):
    page = client.get("/login/")
    assert page.status_code == 200 and b"Log in to Switchyard" in page.content
    response = client.post("/login/", {"username": "alice", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/"
    bad = client.post("/login/", {"username": "alice", "password": "nope"})
    assert b"did not match" in bad.content


def test_app_shell_mounts_the_bundle_from_the_manifest(client, user, manifest):
    client.force_login(user)
    response = client.get("/app/threads/abc")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<script type="module" src="/static/app/assets/main-abc.js"></script>' in html
    assert '<link rel="stylesheet" href="/static/app/assets/main-abc.css">' in html
    assert '<link rel="stylesheet" href="/static/app/assets/vendor.css">' in html
    assert '<link rel="modulepreload" href="/static/app/assets/vendor-def.js">' in html
    props = json.loads(response.context["page_props_json"])
    assert props["user"] == {"id": user.pk, "username": "alice"}
    assert props["page"] == "/threads/abc" and props["csrfToken"]
    assert 'id="root" data-props="{&quot;user&quot;' in html


def test_app_shell_says_clearly_when_the_frontend_is_not_built(client, user, no_manifest):
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "The frontend is not built" in html and "make run" in html
    assert 'id="root"' not in html


def test_healthz_reports_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "broker"}
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_a_dependency_is_down(client, settings, monkeypatch):
    settings.BUILDER = {**settings.BUILDER, "RUN_EXECUTOR": "celery"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setattr(health, "TIMEOUT_SECONDS", 0.5)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
