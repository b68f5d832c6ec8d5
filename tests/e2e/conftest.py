"""Browser tests of the frontend bundle against tests/e2e/mock_server.mjs.

They need node, a built bundle (builder/static/app/) and a Chromium that
Playwright can drive (system `chromium`, or Playwright's own); without them they
skip. The mock implements the API shapes the frontend assumes, so these tests
also pin that contract down until the Django API is complete.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "builder" / "static" / "app" / ".vite" / "manifest.json"


class MockBackend:
    def __init__(self, url: str) -> None:
        self.url = url

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "X-CSRFToken": "mock-csrf"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def graph_id(self, name: str) -> str:
        graphs = self.api("GET", "/api/graphs/?workspace=demo")["results"]
        return next(g["id"] for g in graphs if g["name"] == name)


@pytest.fixture(scope="session")
def mock_backend() -> Iterator[MockBackend]:
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    if not MANIFEST.exists():
        pytest.skip("frontend bundle not built (cd frontend && npm run build)")
    port = free_port()
    proc = subprocess.Popen(
        [node, str(Path(__file__).with_name("mock_server.mjs")), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(url + "/api/me/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(
                    f"mock server did not start: {proc.stdout.read() if proc.stdout else ''}"
                )
            time.sleep(0.1)
    yield MockBackend(url)
    proc.terminate()
    proc.wait(timeout=10)


# Module scope: a sync Playwright instance stays alive as long as its fixture, and other
# modules (test_live, test_xss, ...) start their own, which cannot run inside another.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = (
        os.environ.get("CHROMIUM_PATH")
        or os.environ.get("CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    with sync_api.sync_playwright() as p:
        try:
            b = (
                p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
                if executable
                else p.chromium.launch()
            )
        except Exception as e:  # any launch failure means "no browser here"
            pytest.skip(f"no Chromium for Playwright: {e}")
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
