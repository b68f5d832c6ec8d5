"""Pages: login, the app shell (with and without a built frontend), /healthz, /readyz."""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_healthz_is_live_without_asking_any_dependency(client, settings):
    # Liveness must not depend on the database: an unreachable one still answers 200.
    settings.BUILDER = {**settings.BUILDER, "RUN_EXECUTOR": "celery"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0


def test_readyz_reports_each_configured_dependency(client, settings):
    settings.BUILDER = {**settings.BUILDER, "REDIS_URL": os.environ.get("REDIS_URL", "")}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    expected = {"database"} | ({"redis"} if settings.BUILDER["REDIS_URL"] else set())
    expected |= set() if settings.CELERY_BROKER_URL.startswith("memory://") else {"broker"}
    assert set(body["checks"]) == expected
    assert body["checks"]["database"]["ok"] is True


def test_readyz_is_503_naming_the_dependency_that_is_down(client, settings, monkeypatch):
    settings.BUILDER = {**settings.BUILDER, "REDIS_URL": "redis://127.0.0.1:1/0"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setattr(health, "TIMEOUT_SECONDS", 0.5)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["broker", "redis"]
    assert body["checks"]["database"]["ok"] is True


def test_every_page_names_the_favicon_and_it_is_served(client, user, manifest):
    for html in (client.get("/login/").content, _logged_in(client, user).get("/").content):
        assert b'<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == "/static/favicon.svg"


def _logged_in(client, user):
    client.force_login(user)
    return client


def test_canvas_pages_preload_their_chunk(client, user, manifest):
    data = json.loads(manifest.read_text())
    data["src/main.tsx"]["dynamicImports"] = ["src/editor/EditorPage.tsx"]
    data["src/editor/EditorPage.tsx"] = {
        "file": "assets/EditorPage-123.js",
        "isDynamicEntry": True,
        "imports": ["src/main.tsx", "_flow.js", "_vendor.js"],
    }
    data["_flow.js"] = {"file": "assets/flow-456.js"}
    manifest.write_text(json.dumps(data))
    client.force_login(user)
    editor = client.get("/app/graphs/7").content.decode()
    assert '<link rel="modulepreload" href="/static/app/assets/EditorPage-123.js">' in editor
    assert '<link rel="modulepreload" href="/static/app/assets/flow-456.js">' in editor
    # The entry is its own script, not preloaded twice; other pages load no editor.
    assert editor.count("main-abc.js") == 1
    assert editor.count("vendor-def.js") == 1
    assert "EditorPage-123.js" not in client.get("/app/threads").content.decode()
    assert "EditorPage-123.js" not in client.get("/app/graphs").content.decode()
