"""XSS: payloads in a node label, thread state and a comment are shown as text.

Runs the real stack: migrates a fresh SQLite database, seeds it with the payloads through
the services (a setup script in a subprocess), serves it with daphne, and opens the
editor, the debugger and the public share page in Chromium. ``window.__xss`` is what
every payload would set if it ran.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).with_name("screenshots")
MANIFEST = ROOT / "builder" / "static" / "app" / ".vite" / "manifest.json"

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=1</script>"
JS_LINK = "javascript:window.__xss=1"
PAYLOADS = (IMG, SCRIPT, JS_LINK)

SEED = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from builder import models as m
from builder.services.graphs import graph_create, graph_version_publish
from builder.services.runs import run_start
from builder.services.sharing import sharelink_create
from builder.services.teams import comment_create
from builder.services.threads import thread_create
from builder.services.workspaces import workspace_create

IMG, SCRIPT, JS_LINK = json.loads({payloads!r})
user = get_user_model().objects.create_user("xss", password="xss-password-1")
ws = workspace_create(slug="xss", name="XSS", owner=user)
spec = {{
    "spec_version": 1,
    "name": "XSS " + SCRIPT,
    "state": {{"fields": [{{"name": "text", "type": "string", "default": ""}},
                          {{"name": "link", "type": "string", "default": ""}}]}},
    "nodes": [{{"id": "echo", "kind": "transform", "label": IMG + " " + SCRIPT,
               "config": {{"set": [{{"field": "text", "template": "{{{{ state.text }}}}"}}]}}}}],
    "edges": [{{"id": "e1", "source": "__start__", "target": "echo"}},
              {{"id": "e2", "source": "echo", "target": "__end__"}}],
}}
graph = graph_create(workspace=ws, name="XSS graph", spec=spec, user=user)
graph_version_publish(graph=graph, user=user)
thread = thread_create(workspace=ws, graph=graph, user=user)
run_start(thread=thread, input={{"text": IMG + " " + SCRIPT, "link": JS_LINK}}, user=user)
checkpoint = m.Checkpoint.objects.filter(thread_id=str(thread.pk)).order_by("-checkpoint_id")[0]
comment_create(thread=thread, checkpoint_id=checkpoint.checkpoint_id,
               body=IMG + " " + SCRIPT + " " + JS_LINK, user=user)
_link, token = sharelink_create(thread=thread, user=user)
print(json.dumps({{"graph": graph.pk, "thread": str(thread.pk), "token": token}}))
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A daphne server on a fresh database seeded with the payloads."""
    db_file = tmp_path_factory.mktemp("xss") / "xss.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "RUN_EXECUTOR": "sync",
        "SWEEP_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "builder.settings",
    }
    for key in ("REDIS_URL", "CELERY_BROKER_URL", "GRAPHS_CONFIG"):
        env.pop(key, None)
    python = sys.executable

    def run(*args: str) -> str:
        out = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    run(python, "manage.py", "migrate", "--noinput", "-v", "0")
    seeded = json.loads(
        run(python, "-c", SEED.format(payloads=json.dumps(PAYLOADS))).splitlines()[-1]
    )
    port = free_port()
    env["RUN_EXECUTOR"] = "inline"
    daphne = shutil.which("daphne", path=str(Path(python).parent)) or "daphne"
    proc = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "builder.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"daphne did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.2)
    yield {"url": url, **seeded}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("no Chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def _assert_inert(page: Any, name: str) -> str:
    """No payload ran or became markup; returns the page's visible text."""
    page.wait_for_timeout(1500)  # let lazy chunks, sockets and effects settle
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"xss-{name}.png"), full_page=True)
    assert page.evaluate("typeof window.__xss") == "undefined", name
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, name
    assert (
        page.evaluate("[...document.scripts].filter(s => s.textContent.includes('__xss')).length")
        == 0
    ), name
    assert (
        page.evaluate(
            'document.querySelectorAll(\'a[href^="javascript:" i], [src^="javascript:" i]\').length'
        )
        == 0
    ), name
    return page.evaluate("document.body.innerText")


def test_share_page_shows_payloads_as_text(live: dict[str, Any], browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{live['url']}/share/{live['token']}/")
    text = _assert_inert(page, "share")
    for payload in PAYLOADS:
        assert payload in text, payload
    page.close()


@pytest.mark.skipif(not MANIFEST.exists(), reason="frontend bundle not built")
def test_editor_and_debugger_show_payloads_as_text(live: dict[str, Any], browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{live['url']}/login/")
    page.fill("input[name=username]", "xss")
    page.fill("input[name=password]", "xss-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live['url']}/**")

    page.goto(f"{live['url']}/app/graphs/{live['graph']}")
    page.wait_for_load_state("networkidle")
    text = _assert_inert(page, "editor")
    assert "onerror=window.__xss=1" in text  # the node label, as text

    page.goto(f"{live['url']}/app/threads/{live['thread']}")
    page.wait_for_load_state("networkidle")
    text = _assert_inert(page, "debugger")
    assert "onerror=window.__xss=1" in text  # the state value, as text
    context.close()
