"""Version diff in the editor: real Chromium against the real server.

Two versions are published with a change between them (a node's expression edited, a
node added); the Versions panel compares them on the canvas: the changed node is
outlined, the added one marked, the change list says what changed, clicking a change
focuses its node, and "Close diff" returns to the editable canvas.
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


def _spec(expression: str, extra_node: bool) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = [
        {
            "id": "n_greet",
            "kind": "transform",
            "label": "Greet",
            "config": {"set": [{"field": "greeting", "expression": expression}]},
            "position": {"x": 200, "y": 100},
        }
    ]
    edges = [
        {"id": "e_start", "source": "__start__", "target": "n_greet"},
        {"id": "e_end", "source": "n_greet", "target": "__end__"},
    ]
    if extra_node:
        nodes.append(
            {
                "id": "n_shout",
                "kind": "transform",
                "label": "Shout",
                "config": {"set": [{"field": "greeting", "expression": "state.greeting.upper()"}]},
                "position": {"x": 450, "y": 100},
            }
        )
        edges = [
            edges[0],
            {"id": "e_shout", "source": "n_greet", "target": "n_shout"},
            {"id": "e_end2", "source": "n_shout", "target": "__end__"},
        ]
    return {
        "spec_version": 1,
        "name": "Diffed",
        "description": "",
        "state": {"fields": [{"name": "greeting", "type": "string"}]},
        "nodes": nodes,
        "edges": edges,
        "routes": [],
        "fanouts": [],
        "breakpoints": {"before": [], "after": []},
        "metadata": {},
    }


def test_compare_two_versions_on_the_canvas(page: Any, live_app: LiveServer) -> None:
    graph = live_app.api(
        "POST",
        "/api/graphs/",
        {"workspace": "demo", "name": "Diffed", "spec": _spec("'hi'", False)},
    )
    gid = graph["id"]
    live_app.api("POST", f"/api/graphs/{gid}/versions/", {"note": "first"})
    current = live_app.api("GET", f"/api/graphs/{gid}/")
    live_app.api(
        "PATCH",
        f"/api/graphs/{gid}/",
        {"spec": _spec("'hello'", True), "draft_revision": current["draft_revision"]},
    )
    live_app.api("POST", f"/api/graphs/{gid}/versions/", {"note": "second"})

    page.goto(f"{live_app.url}/app/graphs/{gid}")
    page.get_by_role("tab", name="Versions").click()
    compare = page.get_by_role("form", name="Compare versions")
    compare.get_by_label("From (older)").select_option("1")
    compare.get_by_label("To (newer)").select_option("2")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-versions-panel.png"))
    compare.get_by_role("button", name="Show diff on canvas").click()

    diff = page.get_by_role("application", name="Diff of v1 and v2")
    expect(diff).to_be_visible()
    expect(page.get_by_label("Diff legend")).to_contain_text("added")
    greet = page.locator(
        ".react-flow__node.diff-changed", has=page.locator('[aria-label^="Greet, "]')
    )
    expect(greet).to_have_count(1)
    expect(
        page.locator(".react-flow__node.diff-added", has=page.locator('[aria-label^="Shout, "]'))
    ).to_have_count(1)
    expect(page.locator(".react-flow__edge.diff-removed")).to_have_count(1)  # Greet → End

    changes = page.get_by_role("list", name="Changes")
    change = changes.get_by_role("button", name=re.compile(r"^Greet, changed"))
    # The config key with its old and new value.
    expect(change).to_contain_text("set[0].expression: \"'hi'\" → \"'hello'\"")
    expect(changes.get_by_role("button", name=re.compile(r"^Shout, added"))).to_be_visible()
    # Read-only while comparing: no palette, no undo.
    expect(page.get_by_role("complementary", name="Node kinds")).to_have_count(0)
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)

    change.click()
    expect(page.locator(".flow-node.is-highlighted", has_text="Greet")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "live-version-diff.png"))

    page.get_by_role("button", name="Close diff").click()
    expect(page.get_by_role("application", name="Graph canvas")).to_be_visible()
    expect(page.get_by_role("complementary", name="Node kinds")).to_be_visible()
    expect(page.locator(".react-flow__node.diff-changed")).to_have_count(0)

    # The newest version against the draft (saved from it): nothing changed.
    page.get_by_role("tab", name="Versions").click()
    page.get_by_role("button", name="Compare v2 with the draft").click()
    expect(page.get_by_role("complementary", name="Version diff")).to_contain_text("No changes")
    page.get_by_role("button", name="Close diff").click()
    expect(page.get_by_role("application", name="Graph canvas")).to_be_visible()
