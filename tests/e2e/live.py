"""A live Switchyard server for browser tests and the frontend benchmark.

``LiveServer`` makes a fresh database (a temporary SQLite file, or a dedicated PostgreSQL
database when ``DATABASE_URL`` points at a server), runs ``migrate`` and ``seed_demo``,
then serves ``builder.asgi`` with daphne on a free 127.0.0.1 port, with the embedded
defaults otherwise (in-memory channel layer, inline executor) and the demos'
``graphs.json`` as GRAPHS_CONFIG. It is a context manager, so scripts can use it too;
``live_app`` and ``chromium`` are the pytest fixtures built on it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "builder" / "static" / "app" / ".vite" / "manifest.json"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_GRAPHS_CONFIG = ROOT / "runtime" / "examples" / "graphs.json"
SCREENSHOTS = Path(__file__).with_name("screenshots")


def missing_requirement() -> str | None:
    """Why browser tests cannot run here (None when they can)."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)"
    if not MANIFEST.exists():
        return "frontend bundle not built (cd frontend && npm ci && npm run build)"
    return None


class _Database:
    """A database of its own: a SQLite file in ``folder``, or a new PostgreSQL database on
    the server of ``DATABASE_URL`` (dropped again by ``drop``)."""

    def __init__(self, folder: Path) -> None:
        base = os.environ.get("DATABASE_URL", "")
        self._admin_url = ""
        self._name = ""
        if base.startswith(("postgres://", "postgresql://")):
            parts = urllib.parse.urlsplit(base)
            self._name = f"switchyard_e2e_{secrets.token_hex(4)}"
            self._admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            self._execute(f'CREATE DATABASE "{self._name}"')
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self._name))
        else:
            self.url = f"sqlite:///{folder / 'live.sqlite3'}"

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def drop(self) -> None:
        if self._name:
            self._execute(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')


class LiveServer:
    """daphne on a fresh, seeded database; ``url`` and an API key of user ``demo``."""

    def __init__(self, graphs_config: Path | None = DEMO_GRAPHS_CONFIG) -> None:
        self._graphs_config = graphs_config
        self._folder = Path(tempfile.mkdtemp(prefix="switchyard-live-"))
        self._db: _Database | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self.log = self._folder / "daphne.log"
        self.url = ""
        self.api_key = ""

    def __enter__(self) -> LiveServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _env(self) -> dict[str, str]:
        assert self._db is not None
        env = {
            **os.environ,
            "DATABASE_URL": self._db.url,
            "DEBUG": "1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "RUN_EXECUTOR": "inline",
            "SWEEP_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "builder.settings",
            "GRAPHS_CONFIG": str(self._graphs_config or ""),
        }
        # Embedded defaults: in-memory channel layer, no broker.
        for key in ("REDIS_URL", "CELERY_BROKER_URL"):
            env.pop(key, None)
        return env

    def _manage(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
        return out.stdout

    def start(self) -> None:
        self._db = _Database(self._folder)
        self._manage("migrate", "--noinput", "-v", "0")
        self._manage("seed_demo")
        self.api_key = self._manage("createapikey", "demo", "--workspace", "demo").split()[-1]
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("wb") as out:
            self._process = subprocess.Popen(
                # Under the orphan guard: daphne dies with this process even when it is
                # SIGKILLed (a killed test run would otherwise leave servers behind).
                [sys.executable, "-m", "tests.e2e.orphan_guard", str(os.getpid())]
                + ["daphne", "-b", "127.0.0.1", "-p", str(port), "builder.asgi:application"],
                cwd=ROOT,
                env=self._env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("daphne did not start:\n" + self.output()) from None
                time.sleep(0.2)

    @property
    def pid(self) -> int | None:
        """daphne's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def folder(self) -> Path:
        """The temporary folder (SQLite database, daphne's log); removed by ``stop``."""
        return self._folder

    @property
    def database_url(self) -> str:
        return self._db.url if self._db is not None else ""

    def output(self) -> str:
        """The end of daphne's log (tracebacks of server errors end up here)."""
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
            self._process = None
        if self._db is not None:
            self._db.drop()
            self._db = None
        shutil.rmtree(self._folder, ignore_errors=True)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the HTTP API as ``demo`` (API key auth); the parsed JSON answer."""
        request = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "X-Api-Key": self.api_key},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: {exc.code} {exc.read()[:2000]!r}") from None

    def graph_id(self, name: str) -> int:
        graphs = self.api("GET", "/api/graphs/?workspace=demo")["results"]
        return next(g["id"] for g in graphs if g["name"] == name)


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def login(page: Any, url: str, username: str = "demo", password: str = "demo") -> None:
    """Log in through the login form, as a person would."""
    page.goto(url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda u: "/login" not in u)


@pytest.fixture(scope="module")
def live_app() -> Iterator[LiveServer]:
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    with LiveServer() as server:
        yield server
        # Printed with the failures of the module: the server's side of the story.
        print("daphne log:\n" + server.output())


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def live_page(chromium: Any, live_app: LiveServer) -> Iterator[Any]:
    """A page logged in as ``demo`` at 1280x800; uncaught page errors fail the test.
    Test modules expose it as their ``page`` with a one-line fixture."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_app.url)
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
