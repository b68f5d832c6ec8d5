"""Editor details end to end: real Chromium against the real server.

A Human review node added from the palette brings its decision field along (one undo
step, said in a toast that does not move the editor), problems name nodes by label, and
a demo graph opens at a legible zoom.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.fixture
def page(live_page: Any) -> Any:
    """A logged-in page (see ``tests.e2e.live.live_page``)."""
    return live_page


def _zoom(page: Any) -> float:
    transform = page.locator(".react-flow__viewport").first.evaluate("(el) => el.style.transform")
    return float(re.search(r"scale\(([\d.]+)\)", transform).group(1))


def test_human_review_node_arrives_working(page: Any, live_app: LiveServer) -> None:
    spec = {
        "spec_version": 1,
        "name": "Review me",
        "state": {"fields": []},
        "nodes": [],
        "edges": [],
    }
    gid = live_app.api(
        "POST", "/api/graphs/", {"workspace": "demo", "name": "Review me", "spec": spec}
    )["id"]
    page.goto(f"{live_app.url}/app/graphs/{gid}")
    canvas = page.get_by_role("application", name="Graph canvas")
    before = canvas.bounding_box()

    page.get_by_role("button", name="Add Human review node").click()
    notice = page.get_by_role("status").filter(has_text="decision")
    expect(notice).to_contain_text("Added state field “decision” (string)")
    # A toast over the canvas: the editor did not move down.
    assert canvas.bounding_box()["y"] == before["y"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-editor-human-added.png"))

    # The decision field is a select of the state fields, set to the new field.
    expect(page.get_by_role("combobox", name=re.compile(r"^Decision field"))).to_have_value(
        "decision"
    )

    page.get_by_role("tab", name="State").click()
    field = page.get_by_role("group", name="State field decision")
    expect(field.get_by_role("textbox", name="Name")).to_have_value("decision")

    # Start → Human review, no way to End: the problem names the node by its label.
    a = page.get_by_label("Connect from Start").bounding_box()
    b = page.get_by_label("Connect into Human review").bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=10)
    page.mouse.up()
    page.get_by_role("tab", name=re.compile("Problems")).click()
    problems = page.get_by_role("list", name="Problems")
    expect(problems).to_contain_text("“Human review”", timeout=15_000)
    expect(problems).not_to_contain_text("is not a state field")
    expect(problems).not_to_contain_text("n_")

    # Undo the edge, then one undo takes the node and its field away together.
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".react-flow__edge")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".flow-node")).to_have_count(0)
    page.get_by_role("tab", name="State").click()
    expect(page.get_by_role("group", name="State field decision")).to_have_count(0)


def test_demo_graph_opens_legible(page: Any, live_app: LiveServer) -> None:
    gid = live_app.graph_id("Support triage")
    page.goto(f"{live_app.url}/app/graphs/{gid}")
    expect(page.locator(".flow-node").first).to_be_visible()
    page.wait_for_timeout(300)
    assert _zoom(page) >= 0.6
    page.screenshot(path=str(SCREENSHOTS / "live-editor-demo.png"))
    page.get_by_role("tab", name="State").click()
    page.screenshot(path=str(SCREENSHOTS / "live-editor-state.png"))
