"""Review from the Inbox, in real Chromium against the real server: the Inbox names the
node by its label and previews what is under review; an edit-and-continue is logged as
an edit (found by the "Edited state" filter, not under "Approved"), and a reviewer's
reject comment is shown in the audit trail.
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


def pause_at_review(page: Any, live_app: LiveServer, ticket: str) -> None:
    page.goto(f"{live_app.url}/app/graphs/{live_app.graph_id('Support triage')}")
    run_from_editor(page)
    page.get_by_role("textbox", name="ticket", exact=True).fill(ticket)
    page.get_by_role("button", name="Start run").click()
    page.get_by_role("region", name="Waiting for review").wait_for()


def audit_rows(page: Any, filter_label: str) -> Any:
    page.get_by_role("tab", name="Audit trail").click()
    audit = page.get_by_role("region", name="Audit trail")
    audit.get_by_role("combobox").first.select_option(label=filter_label)
    return audit


def test_inbox_preview_edit_and_continue_and_a_reject_comment_in_the_audit_trail(
    live_page: Any, live_app: LiveServer
) -> None:
    page = live_page
    pause_at_review(page, live_app, "Where is my invoice?")

    page.get_by_role("link", name="Inbox").click()
    item = page.get_by_role("list", name="Runs waiting for review").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("at Approve reply")  # the label, not the node id
    expect(item).to_contain_text("ticket: Where is my invoice?")  # the preview
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-inbox-preview.png"))
    item.get_by_role("link").click()

    review = page.get_by_role("region", name="Waiting for review")
    review.get_by_role("textbox", name="Reply (edit if needed)").fill(
        "It is in Settings → Billing."
    )
    review.get_by_role("button", name="Edit and continue").click()
    expect(node(page, "Send reply")).to_have_class(FINISHED)
    audit = audit_rows(page, "Edited state")
    expect(audit).to_contain_text("edited draft and approved the review")
    audit.get_by_role("combobox").first.select_option(label="Approved")
    expect(audit).not_to_contain_text("approved the review")

    # A rejection with a reason: the reason is in the audit trail.
    pause_at_review(page, live_app, "Refund my invoice now")
    review = page.get_by_role("region", name="Waiting for review")
    review.get_by_role("textbox", name="Comment").fill("We do not refund after 30 days")
    review.get_by_role("button", name="Reject").click()
    expect(node(page, "Close as rejected")).to_have_class(FINISHED)
    audit = audit_rows(page, "Rejected")
    expect(audit).to_contain_text("rejected the review")
    expect(audit).to_contain_text("We do not refund after 30 days")
    page.screenshot(path=str(SCREENSHOTS / "live-audit-reject-comment.png"))
