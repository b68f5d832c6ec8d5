"""A node that fails, in real Chromium against the real server: the debugger says it
failed (not "Paused"), shows the error and the traceback, and the user fixes the node's
config in the editor and retries it from the last checkpoint, keeping the steps before.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page
from tests.e2e.test_draft_run import SPEC, node, run_from_editor

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


def two_steps() -> dict[str, Any]:
    """Greet, then Answer (which divides by zero)."""
    spec = copy.deepcopy(SPEC)
    spec["name"] = "Divider"
    spec["state"]["fields"].append({"name": "greeting", "type": "string", "default": ""})
    spec["nodes"][0]["config"]["set"][0]["expression"] = "1 / 0"
    spec["nodes"].insert(
        0,
        {
            "id": "greet",
            "kind": "transform",
            "label": "Greet",
            "config": {"set": [{"field": "greeting", "expression": "'hello ' + state.topic"}]},
            "position": {"x": 0, "y": 150},
        },
    )
    spec["edges"] = [
        {"id": "e1", "source": "__start__", "target": "greet"},
        {"id": "e2", "source": "greet", "target": "respond"},
        {"id": "e3", "source": "respond", "target": "__end__"},
    ]
    return spec


def test_a_failed_node_shows_its_error_and_is_retried_after_a_fix(
    live_page: Any, live_app: LiveServer
) -> None:
    page = live_page
    graph = live_app.api(
        "POST", "/api/graphs/", {"workspace": "demo", "name": "Divider", "spec": two_steps()}
    )
    page.goto(f"{live_app.url}/app/graphs/{graph['id']}")
    run_from_editor(page)
    page.get_by_role("region", name="Run the graph").get_by_role("textbox", name="topic").fill("x")
    page.get_by_role("button", name="Start run").click()

    failure = page.get_by_role("region", name="Run failed")
    expect(failure).to_contain_text("Failed in Answer")
    expect(failure).to_contain_text("division by zero")
    expect(node(page, "Answer")).to_have_class(re.compile(r"\bis-failed\b"))
    expect(node(page, "Greet")).to_have_class(re.compile(r"\bis-finished\b"))
    expect(page.get_by_role("region", name="Paused at a breakpoint")).to_have_count(0)
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    failure.get_by_text("Traceback", exact=True).click()
    expect(failure.get_by_label("Traceback")).to_contain_text("ExpressionError: evaluating")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-failed-node.png"))
    thread_url = page.url

    # Fix the node's config in the editor (opened with the node selected), come back, retry.
    failure.get_by_role("link", name="Edit Answer's config").click()
    page.get_by_role("heading", name="Transform node").wait_for()
    page.get_by_role("textbox", name="Expression").fill("'fixed: ' + state.greeting")
    page.get_by_text("All changes saved").wait_for(timeout=15_000)
    page.goto(thread_url)
    failure = page.get_by_role("region", name="Run failed")
    failure.get_by_role("button", name="Retry Answer").click()
    expect(node(page, "Answer")).to_have_class(re.compile(r"\bis-finished\b"))
    expect(page.get_by_role("region", name="Run failed")).to_have_count(0)
    page.get_by_role("tab", name="State").click()
    expect(page.get_by_role("region", name="State inspector")).to_contain_text("fixed: hello x")
    page.screenshot(path=str(SCREENSHOTS / "live-failed-node-retried.png"))

    # Greet ran once: the retry started from the checkpoint after it.
    thread_id = thread_url.split("/app/threads/")[1].split("?")[0]
    history = live_app.api("POST", f"/api/threads/{thread_id}/history", {"limit": 100})
    nexts = [tuple(snapshot["next"]) for snapshot in history]
    assert nexts.count(("greet",)) == 1 and nexts.count(("respond",)) == 1, nexts
