"""Code-defined graphs (GRAPHS_CONFIG) in real Chromium: drawn as the engine runs them
(conditional edges with their labels, the loop back), with their state schema in the State
tab and a run form from their input schema."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"code-graph-{name}.png"))


def open_code_graph(page: Any, live_app: LiveServer, name: str) -> None:
    page.goto(f"{live_app.url}/app/graphs/{live_app.graph_id(name)}")
    page.get_by_text("defined in Python code").wait_for()


def test_research_agent_shows_its_loop_and_labelled_routes(
    live_page: Any, live_app: LiveServer
) -> None:
    page = live_page
    open_code_graph(page, live_app, "research_agent")
    # START → agent, agent → tools ("call tools"), agent → END ("default"), tools → agent.
    expect(page.locator(".react-flow__edge")).to_have_count(4)
    expect(page.locator(".edge-route")).to_have_count(2)
    labels = page.locator(".edge-label-route")
    expect(labels.filter(has_text=re.compile(r"^call tools$"))).to_be_visible()
    expect(labels.filter(has_text=re.compile(r"^default$"))).to_be_visible()
    loop = page.locator('.react-flow__edge[data-testid="rf__edge-e3"]')
    expect(loop).to_have_count(1)  # tools → agent, the loop back
    page.get_by_role("tab", name="State", exact=True).click()
    field = page.get_by_role("group", name="State field messages")
    expect(field.get_by_label("Type")).to_have_value("messages")
    expect(field.get_by_label("Reducer")).to_have_value("messages")
    shot(page, "research-agent")


def test_joke_shows_its_state_and_asks_for_its_input(live_page: Any, live_app: LiveServer) -> None:
    page = live_page
    open_code_graph(page, live_app, "joke")
    page.get_by_role("tab", name="State", exact=True).click()
    for name, kind in (("topic", "string"), ("drafts", "array"), ("joke", "string")):
        field = page.get_by_role("group", name=f"State field {name}")
        expect(field.get_by_label("Type")).to_have_value(kind)
    expect(
        page.get_by_role("group", name="State field drafts").get_by_label("Reducer")
    ).to_have_value("append")
    shot(page, "joke-state")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    page.get_by_role("tab", name="Run").click()
    page.get_by_role("textbox", name="topic", exact=True).fill("penguins")
    shot(page, "joke-run-form")
    page.get_by_role("button", name="Start run").click()
    # The run starts in a worker process (slow on a busy machine), and the debugger shows
    # the Tokens tab while it runs: read the State once it has finished.
    toolbar = page.get_by_role("toolbar", name="Thread debugger")
    expect(toolbar).to_contain_text("Finished", timeout=60_000)
    page.get_by_role("tab", name="State", exact=True).click()
    expect(page.get_by_text("Why did the penguins cross the road").first).to_be_visible()
    shot(page, "joke-state-after-run")
