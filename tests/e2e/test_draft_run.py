"""▶ Run in the editor tests the draft on screen, in real Chromium against the real server.

A graph has version 1 published; its draft is then edited in the editor and run at once
(the draft is saved first). The run executes the edited draft, not version 1, and says
so: "Draft test" on the thread, a note on the run form, ``draft`` on the run. The form
asks only for the graph's input field, and a second test run starts from the inputs
typed last time.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]

SPEC = {
    "spec_version": 1,
    "name": "Answerer",
    "state": {
        "fields": [
            {"name": "topic", "type": "string", "input": True, "description": "What to answer"},
            {"name": "answer", "type": "string", "default": ""},
        ]
    },
    "nodes": [
        {
            "id": "respond",
            "kind": "transform",
            "label": "Answer",
            "config": {"set": [{"field": "answer", "expression": "'published: ' + state.topic"}]},
            "position": {"x": 200, "y": 150},
        }
    ],
    "edges": [
        {"id": "e1", "source": "__start__", "target": "respond"},
        {"id": "e2", "source": "respond", "target": "__end__"},
    ],
}


def node(page: Any, label: str) -> Any:
    """A step node on the canvas by its label (its accessible name is "label, kind")."""
    return page.locator(f'.flow-node[aria-label^="{label}, "]')


def run_from_editor(page: Any) -> None:
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    page.get_by_role("status").filter(has_text="Live").wait_for()
    page.get_by_role("tab", name="Run").click()


def test_run_in_the_editor_runs_the_draft_on_screen(live_page: Any, live_app: LiveServer) -> None:
    page = live_page
    graph = live_app.api(
        "POST", "/api/graphs/", {"workspace": "demo", "name": "Answerer", "spec": SPEC}
    )
    live_app.api("POST", f"/api/graphs/{graph['id']}/versions/", {"note": "v1"})

    # Edit the draft, and run straight away: ▶ Run saves it first.
    page.goto(f"{live_app.url}/app/graphs/{graph['id']}")
    node(page, "Answer").click()
    page.get_by_role("heading", name="Transform node").wait_for()
    page.get_by_role("textbox", name="Expression").fill("'from the draft: ' + state.topic")
    run_from_editor(page)

    expect(page.get_by_text("Draft test", exact=True)).to_be_visible()
    panel = page.get_by_role("region", name="Run the graph")
    expect(panel.get_by_role("note")).to_contain_text("test run of the unpublished draft")
    # The input schema only: topic, not the answer the graph writes.
    expect(panel.get_by_role("textbox", name="topic")).to_be_visible()
    expect(panel.get_by_role("textbox", name="answer")).to_have_count(0)
    panel.get_by_role("textbox", name="topic").fill("tides")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-draft-run-form.png"))
    panel.get_by_role("button", name="Start run").click()
    expect(node(page, "Answer")).to_have_class(re.compile(r"\bis-finished\b"))
    page.get_by_role("tab", name="State").click()
    inspector = page.get_by_role("region", name="State inspector")
    expect(inspector).to_contain_text("from the draft: tides")
    expect(inspector).not_to_contain_text("published: tides")
    page.screenshot(path=str(SCREENSHOTS / "live-draft-run-finished.png"))

    thread_id = page.url.split("/app/threads/")[1].split("?")[0]
    (run,) = live_app.api("GET", f"/api/threads/{thread_id}/runs")
    assert run["kwargs"]["draft"] is True and run["metadata"]["draft"] is True
    assert live_app.api("GET", f"/api/graphs/{graph['id']}/")["latest_version"] == 1

    # The playground keeps the last inputs of this graph for the next test run.
    page.goto(f"{live_app.url}/app/graphs/{graph['id']}")
    run_from_editor(page)
    assert page.url.split("/app/threads/")[1].split("?")[0] != thread_id  # a fresh thread
    panel = page.get_by_role("region", name="Run the graph")
    expect(panel.get_by_role("textbox", name="topic")).to_have_value("tides")

    page.goto(f"{live_app.url}/app/threads")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"Open thread {thread_id}")
    )
    expect(row).to_contain_text("Draft test")
