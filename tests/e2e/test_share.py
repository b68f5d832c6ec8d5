"""A share link end to end: real Chromium against the real server (``tests/e2e/live.py``).

An owner runs the support triage demo to its review, approves it, comments on the last
checkpoint and makes a share link in the debugger. A fresh browser context with no
session opens the link and sees the read-only debugger (graph with final statuses,
timeline, state, the comment and the audit trail) with no controls; once the owner
revokes the link, the same URL says it no longer works.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


def node(page: Any, label: str) -> Any:
    """A step node on the canvas by its label (its accessible name is "label, kind")."""
    return page.locator(f'.flow-node[aria-label^="{label}, "]')


@pytest.fixture
def owner(live_page: Any) -> Any:
    """A page logged in as ``demo`` (an owner); see ``tests.e2e.live.live_page``."""
    return live_page


def test_share_link_opens_read_only_without_login_until_revoked(
    owner: Any, chromium: Any, live_app: LiveServer
) -> None:
    # A finished run with a review decision, to have something worth sharing.
    owner.goto(f"{live_app.url}/app/graphs/{live_app.graph_id('Support triage')}")
    owner.get_by_role("button", name="Run", exact=True).click()
    owner.wait_for_url(re.compile(r"/app/threads/"))
    thread_id = owner.url.split("/app/threads/")[1].split("?")[0]
    owner.get_by_role("status").filter(has_text="Live").wait_for()
    owner.get_by_role("tab", name="Run").click()
    owner.get_by_role("textbox", name="ticket", exact=True).fill("Please send my invoice again")
    owner.get_by_role("button", name="Start run").click()
    review = owner.get_by_role("region", name="Waiting for review")
    review.get_by_role("textbox", name="Comment").fill("Fine")
    review.get_by_role("button", name="Approve").click()
    expect(node(owner, "Send reply")).to_have_class(re.compile(r"\bis-finished\b"))
    # Comment on the newest checkpoint once the timeline has caught up with the run.
    history = live_app.api("POST", f"/api/threads/{thread_id}/history", {"limit": 200})
    expect(owner.locator(".timeline-dot")).to_have_count(len(history))

    owner.get_by_role("tab", name="State").click()
    owner.get_by_role("textbox", name="Add a comment").fill("Shared for the <b>weekly</b> review")
    owner.get_by_role("button", name="Add comment").click()
    comments = owner.get_by_role("region", name="Comments on this checkpoint")
    expect(comments).to_contain_text("Shared for the <b>weekly</b> review")

    # Share: the link is shown once, to copy.
    owner.get_by_role("button", name="Share…").click()
    dialog = owner.get_by_role("dialog", name="Share this thread")
    dialog.get_by_role("combobox", name="Link expires").select_option(label="1 day")
    dialog.get_by_role("button", name="Create link").click()
    link = dialog.get_by_role("textbox", name="Share link").input_value()
    assert re.search(r"/share/[^/]+/$", link), link

    # Someone without an account opens it.
    visitor_context = chromium.new_context(viewport={"width": 1280, "height": 800})
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(20_000)
    visitor_errors: list[str] = []
    visitor.on("pageerror", lambda e: visitor_errors.append(str(e)))
    visitor.goto(link)
    expect(visitor.get_by_text("Read-only shared view")).to_be_visible()
    expect(node(visitor, "Send reply")).to_have_class(re.compile(r"\bis-finished\b"))
    # Kinds by their titles, as in the app ("LLM", "Transform"), not "llm", "transform".
    expect(node(visitor, "Classify ticket")).to_have_attribute(
        "aria-label", re.compile(r"^Classify ticket, LLM node")
    )
    expect(node(visitor, "Send reply")).to_have_attribute(
        "aria-label", re.compile(r"^Send reply, Transform node")
    )
    expect(node(visitor, "Send reply")).to_contain_text("Transform")
    timeline = visitor.get_by_role("group", name="Checkpoint timeline")
    expect(
        timeline.get_by_role("button", name=re.compile(r"^Checkpoint at step"))
    ).not_to_have_count(0)
    expect(visitor.get_by_role("region", name="Comments on this checkpoint")).to_contain_text(
        "Shared for the <b>weekly</b> review"
    )
    expect(visitor.get_by_role("region", name="Changes from the previous step")).to_be_visible()
    for name in ("Edit state here", "Re-run from here", "Add comment", "Approve", "Share…"):
        expect(visitor.get_by_role("button", name=name)).to_have_count(0)
    expect(visitor.get_by_role("navigation", name="Main")).to_have_count(0)
    visitor.get_by_role("tab", name="Audit trail").click()
    audit = visitor.get_by_role("region", name="Audit trail")
    expect(audit).to_contain_text("approved the review")
    expect(audit).to_contain_text("demo")
    visitor.get_by_role("tab", name="Events").click()
    expect(visitor.get_by_role("region", name="Event log")).to_contain_text("run.finished")
    SCREENSHOTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(SCREENSHOTS / "live-share-view.png"))

    # The owner revokes it; the same URL stops working at once.
    dialog.get_by_role("button", name=re.compile(r"^Revoke link created")).click()
    expect(dialog.get_by_text("Revoked")).to_be_visible()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="This share link is not available")).to_be_visible()
    expect(visitor.get_by_text("Read-only shared view")).to_have_count(0)
    visitor_context.close()
    assert not visitor_errors, visitor_errors
