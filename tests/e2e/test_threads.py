"""The Threads list and logging out, in real Chromium against the real server.

Threads made through the API (one paused for review, one that never ran) are filtered by
status and by "waiting for review"; the filters live in the URL, so reloading it (or
sending it to a teammate) shows the same view. The per-graph list opens from the graph
list. "Log out" ends the session and lands on the login page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, login

__all__ = ["chromium", "live_app"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.fixture
def page(chromium: Any, live_app: LiveServer) -> Iterator[Any]:
    """A page logged in as ``demo`` at 1280x800; uncaught page errors fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and "favicon" in r.url and missing.append(r.url))
    login(page, live_app.url)
    yield page
    context.close()
    assert not errors, errors
    assert not missing, missing  # the pages name an icon that is served


@pytest.fixture(scope="module")
def threads(live_app: LiveServer) -> dict[str, str]:
    """One thread paused at the triage review, one that never ran."""
    paused = live_app.api("POST", "/api/threads", {"metadata": {"graph_id": "support-triage"}})
    live_app.api(
        "POST",
        f"/api/threads/{paused['thread_id']}/runs/wait",
        {"assistant_id": "support-triage", "input": {"ticket": "Where is my invoice?"}},
    )
    state = live_app.api("GET", f"/api/threads/{paused['thread_id']}")
    assert state["status"] == "interrupted", state
    idle = live_app.api("POST", "/api/threads", {"metadata": {"graph_id": "support-triage"}})
    return {"paused": paused["thread_id"], "idle": idle["thread_id"]}


def rows(page: Any) -> Any:
    return page.get_by_role("table", name="Threads").locator("tbody tr")


def thread_link(page: Any, thread_id: str) -> Any:
    return page.get_by_role("link", name=f"Open thread {thread_id}")


def test_filter_threads_by_status_and_review_and_share_the_url(
    page: Any, live_app: LiveServer, threads: dict[str, str]
) -> None:
    page.goto(f"{live_app.url}/app/threads")
    expect(thread_link(page, threads["paused"])).to_be_visible()
    expect(thread_link(page, threads["idle"])).to_be_visible()
    paused_row = rows(page).filter(has=thread_link(page, threads["paused"]))
    expect(paused_row).to_contain_text("Support triage")
    expect(paused_row).to_contain_text("Waiting for review")
    expect(paused_row).to_contain_text("demo")

    filters = page.get_by_role("search", name="Filter threads")
    filters.get_by_role("combobox", name="Status").select_option("idle")
    expect(page).to_have_url(re.compile(r"[?&]status=idle\b"))
    expect(thread_link(page, threads["idle"])).to_be_visible()
    expect(thread_link(page, threads["paused"])).to_have_count(0)

    filters.get_by_role("combobox", name="Status").select_option("")
    filters.get_by_role("checkbox", name="Waiting for review").check()
    expect(page).to_have_url(re.compile(r"[?&]waiting=1\b"))
    expect(thread_link(page, threads["paused"])).to_be_visible()
    expect(thread_link(page, threads["idle"])).to_have_count(0)
    expect(rows(page)).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "threads-filtered.png"))

    # The URL is the view: a teammate opening it sees the same filters and rows.
    shared = page.url
    teammate = page.context.new_page()
    teammate.goto(shared)
    expect(teammate.get_by_role("checkbox", name="Waiting for review")).to_be_checked()
    expect(thread_link(teammate, threads["paused"])).to_be_visible()
    expect(thread_link(teammate, threads["idle"])).to_have_count(0)
    # ...and the row opens the thread's page.
    thread_link(teammate, threads["paused"]).click()
    teammate.wait_for_url(re.compile(rf"/app/threads/{threads['paused']}"))
    teammate.close()

    # Nothing matches: the empty state says what to do, and does it.
    filters.get_by_role("combobox", name="Status").select_option("error")
    empty = page.get_by_role("region", name="No threads match these filters")
    expect(empty).to_be_visible()
    empty.get_by_role("button", name="Clear filters").click()
    expect(page).not_to_have_url(re.compile(r"status=|waiting="))
    expect(thread_link(page, threads["idle"])).to_be_visible()


def test_per_graph_threads_from_the_graph_list(
    page: Any, live_app: LiveServer, threads: dict[str, str]
) -> None:
    page.goto(f"{live_app.url}/app/graphs")
    graph_row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Support triage", exact=True)
    )
    graph_row.get_by_role("link", name="Threads", exact=True).click()
    expect(page.get_by_role("heading", name="Threads of Support triage")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"graph={live_app.graph_id('Support triage')}\b"))
    expect(thread_link(page, threads["paused"])).to_be_visible()


def test_log_out_lands_on_the_login_page(page: Any, live_app: LiveServer) -> None:
    page.goto(f"{live_app.url}/app/graphs")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    # The session is gone: the app sends us back to the login page.
    page.goto(f"{live_app.url}/app/threads")
    page.wait_for_url(re.compile(r"/login/"))
