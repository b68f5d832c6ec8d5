"""React's useStream (@langchain/langgraph-sdk/react) in real Chromium: a small chat page
(tests/clients/js/chat, bundled by esbuild) served from another origin than the API,
through a live daphne: submit, tokens streaming in, a tool call, an interrupt and its
resume, editing a message into a branch and switching branches, history, and
reconnecting to a running stream after a reload."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
from typing import Any

import pytest

from tests.clients.conftest import JS, node_or_skip
from tests.e2e.conftest import browser  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module", autouse=True)
def sync_db_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread, and Django
    refuses database calls (the test database's flush between tests) where one runs.
    Nothing here is async code touching the database, so allow it for this module."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def page_site(page_origin: str, tmp_path_factory: Any):
    """The chat page bundled into a temporary folder and served at ``page_origin``."""
    node_or_skip()
    site = tmp_path_factory.mktemp("chat")
    subprocess.run(
        [
            str(JS / "node_modules" / ".bin" / "esbuild"),
            "chat/app.jsx",
            "--bundle",
            f"--outfile={site / 'app.js'}",
            "--jsx=automatic",
            "--define:process.env.NODE_ENV='production'".replace("'", '"'),
            "--log-level=warning",
        ],
        cwd=JS,
        check=True,
        timeout=60,
    )
    shutil.copy(JS / "chat" / "index.html", site / "index.html")
    handler = functools.partial(QuietHandler, directory=str(site))
    port = int(page_origin.rsplit(":", 1)[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield page_origin
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def chat(browser, page_site, client_server, owner_key):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(15_000)
    query = urllib.parse.urlencode({"api": client_server.api, "key": owner_key})
    page.goto(f"{page_site}/?{query}")
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Send").click()


def idle(page: Any) -> None:
    page.wait_for_function("document.querySelector('#status').textContent === 'idle'")
    assert page.locator("#error").count() == 0, page.locator("#error").inner_text()


def contents(page: Any) -> list[tuple[str, str]]:
    items = page.locator("li.message")
    return [
        (items.nth(i).get_attribute("data-type"), items.nth(i).locator(".content").inner_text())
        for i in range(items.count())
    ]


WATCH_AI_TEXT = """() => {
  window.__seen = [];
  new MutationObserver(() => {
    const ai = [...document.querySelectorAll('li.message[data-type=ai] .content')].pop();
    if (ai && window.__seen.at(-1) !== ai.textContent) window.__seen.push(ai.textContent);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_chat_tokens_tool_call_interrupt_and_resume(chat):
    chat.evaluate(WATCH_AI_TEXT)
    words = "one two three four five six seven eight nine ten"
    send(chat, words)
    chat.get_by_text(f"You said: {words}").wait_for()
    idle(chat)
    seen = chat.evaluate("window.__seen")
    partial = [t for t in seen if t and t != f"You said: {words}"]
    assert len(partial) >= 2, f"the reply did not stream in token by token: {seen}"
    assert all(f"You said: {words}".startswith(t) for t in partial), seen

    send(chat, "what is the weather?")
    chat.get_by_text("The weather: sunny in Paris.").wait_for()
    idle(chat)
    assert chat.locator("code.tool-call").inner_text() == 'get_weather({"city":"Paris"})'
    assert [t for t, _ in contents(chat)][-4:] == ["human", "ai", "tool", "ai"]

    send(chat, "book a table")
    chat.locator("#interrupt").get_by_text("Book 'book a table'?").wait_for()
    idle(chat)
    chat.get_by_role("button", name="Approve").click()
    chat.get_by_text("Booking answer: yes").wait_for()
    idle(chat)
    assert chat.locator("#interrupt").count() == 0
    history = int(chat.locator("#history").inner_text().split()[0])
    assert history >= 10, f"history has {history} checkpoints"


def test_edit_makes_a_branch_and_switching_shows_each(chat):
    send(chat, "first words")
    chat.get_by_text("You said: first words").wait_for()
    idle(chat)
    chat.once("dialog", lambda dialog: dialog.accept("second words"))
    chat.get_by_role("button", name="Edit").click()
    chat.get_by_text("You said: second words").wait_for()
    idle(chat)
    assert chat.locator(".branch").first.inner_text() == "2/2"
    assert contents(chat) == [("human", "second words"), ("ai", "You said: second words")]
    chat.get_by_role("button", name="Previous").first.click()
    chat.get_by_text("You said: first words").wait_for()
    assert chat.locator(".branch").first.inner_text() == "1/2"
    assert contents(chat) == [("human", "first words"), ("ai", "You said: first words")]


def test_reload_mid_stream_reconnects_to_the_run(chat):
    long = " ".join(f"w{i}" for i in range(150))
    send(chat, long)
    chat.wait_for_function("new URLSearchParams(location.search).get('thread')")
    chat.locator("li.message[data-type=ai]").first.wait_for()
    assert chat.locator("#status").inner_text() == "streaming"
    joins: list[str] = []
    chat.on("request", lambda r: joins.append(r.url) if "/stream" in r.url else None)
    chat.reload()
    chat.get_by_text(f"You said: {long}").wait_for()
    idle(chat)
    assert contents(chat) == [("human", long), ("ai", f"You said: {long}")]
    # The reloaded page rejoined the run it had started (useStream's reconnectOnMount).
    assert any(re.search(r"/runs/[0-9a-f-]{36}/stream", url) for url in joins), joins
    assert chat.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('lg:stream'))") == []
