"""A thread waiting for review, in real Chromium against the real server: new input does
not silently drop the review (the run form says so and asks), and the canvas shows the
statuses of the latest run only, not a pile of every earlier run's.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page
from tests.e2e.test_draft_run import node, run_from_editor

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]

FINISHED = re.compile(r"\bis-finished\b")


def start(page: Any, ticket: str) -> None:
    page.get_by_role("tab", name="Run").click()
    page.get_by_role("textbox", name="ticket", exact=True).fill(ticket)
    page.get_by_role("button", name="Start run").click()


def test_new_input_asks_before_dropping_a_review_and_statuses_are_per_run(
    live_page: Any, live_app: LiveServer
) -> None:
    page = live_page
    page.goto(f"{live_app.url}/app/graphs/{live_app.graph_id('Support triage')}")
    run_from_editor(page)
    # A bug report goes to engineering and the run ends.
    start(page, "The app shows an error and crashes")
    expect(node(page, "Escalate to engineering")).to_have_class(FINISHED)
    expect(page.get_by_role("toolbar", name="Thread debugger")).to_contain_text("Finished")

    # A billing question waits for review; Escalate's status was the earlier run's.
    start(page, "Where is my invoice?")
    review = page.get_by_role("region", name="Waiting for review")
    expect(review).to_be_visible()
    expect(node(page, "Draft reply")).to_have_class(FINISHED)
    expect(node(page, "Escalate to engineering")).not_to_have_class(FINISHED)

    # New input now would drop the review: the form says so and waits for a yes.
    page.get_by_role("tab", name="Run").click()
    warning = page.get_by_role("note", name="Pending review")
    expect(warning).to_contain_text("waiting for a review at Approve reply")
    page.get_by_role("textbox", name="ticket", exact=True).fill("Another invoice question")
    start_button = page.get_by_role("button", name="Start run")
    expect(start_button).to_be_disabled()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-pending-review-warning.png"))
    warning.get_by_label("Drop the pending review and start over").check()
    start_button.click()
    expect(review).to_contain_text("Another invoice question")
    thread_id = page.url.split("/app/threads/")[1].split("?")[0]
    runs = live_app.api("GET", f"/api/threads/{thread_id}/runs?limit=10")
    # The bug report's run, the dropped review's and the new one, waiting for review.
    assert len(runs) == 3
    thread = live_app.api("GET", f"/api/threads/{thread_id}")
    assert thread["status"] == "interrupted"
    assert thread["values"]["ticket"] == "Another invoice question"
