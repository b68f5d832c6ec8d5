"""Copy and paste of nodes between tabs: the system clipboard carries them.

Two pages of one browser (as two tabs) on a live server: nodes copied from one graph
paste into another with new ids and their edge, the pasted draft is saved; clipboard text
that is not Switchyard nodes, or a payload that lies about its edges, is refused with a
message and the canvas is left as it was.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, login

__all__ = ["chromium", "live_app"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(120)]

FIELDS = [{"name": "messages", "type": "messages", "reducer": "messages", "default": []}]


def spec(name: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "spec_version": 1,
        "name": name,
        "state": {"fields": FIELDS},
        "nodes": nodes,
        "edges": edges,
    }


@pytest.fixture
def context(chromium: Any, live_app: LiveServer) -> Iterator[Any]:
    """One logged-in browser context (tabs share its clipboard); page errors fail the test."""
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    login(ctx.new_page(), live_app.url)
    yield ctx
    ctx.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def node(page: Any, label: str) -> Any:
    return page.locator(f'.flow-node[aria-label^="{label}, "]')


def saved_spec(live_app: LiveServer, graph_id: int, until: Any) -> dict[str, Any]:
    """The graph's saved draft once ``until(spec)`` holds (the autosave is debounced)."""
    deadline = time.monotonic() + 15
    while True:
        got = live_app.api("GET", f"/api/graphs/{graph_id}/")
        current = got.get("spec") or got.get("draft")
        if until(current) or time.monotonic() > deadline:
            return current
        time.sleep(0.25)


def test_nodes_copied_in_one_tab_paste_into_another_graph(context: Any, live_app: LiveServer):
    source = live_app.api(
        "POST",
        "/api/graphs/",
        {
            "workspace": "demo",
            "name": "Copy from here",
            "spec": spec(
                "Copy from here",
                [
                    {"id": "greet", "kind": "transform", "label": "Greet", "config": {}},
                    {"id": "answer", "kind": "llm", "label": "Answer", "config": {}},
                ],
                [{"id": "e1", "source": "greet", "target": "answer"}],
            ),
        },
    )
    target = live_app.api(
        "POST",
        "/api/graphs/",
        {"workspace": "demo", "name": "Paste here", "spec": spec("Paste here", [], [])},
    )

    tab1 = context.new_page()
    tab1.goto(f"{live_app.url}/app/graphs/{source['id']}")
    node(tab1, "Greet").click()
    node(tab1, "Answer").click(modifiers=["Control"])
    expect(tab1.locator(".react-flow__node.selected")).to_have_count(2)
    tab1.keyboard.press("Control+c")

    tab2 = context.new_page()
    tab2.goto(f"{live_app.url}/app/graphs/{target['id']}")
    tab2.get_by_role("application", name="Graph canvas").wait_for()
    tab2.locator(".react-flow__pane").click(position={"x": 30, "y": 30})
    tab2.keyboard.press("Control+v")
    expect(node(tab2, "Greet")).to_have_count(1)
    expect(node(tab2, "Answer")).to_have_count(1)
    # React Flow's focusable wrappers carry the names a screen reader announces.
    expect(tab2.get_by_role("group", name="Greet, Transform node")).to_have_count(1)
    expect(tab2.get_by_role("group", name="Edge from Greet to Answer")).to_have_count(1)
    SCREENSHOTS.mkdir(exist_ok=True)
    tab2.screenshot(path=str(SCREENSHOTS / "clipboard-pasted.png"))

    pasted = saved_spec(live_app, target["id"], lambda s: len(s["nodes"]) == 2)
    ids = {n["label"]: n["id"] for n in pasted["nodes"]}
    assert set(ids) == {"Greet", "Answer"}
    assert all(re.fullmatch(r"n_[0-9a-f]{32}", i) for i in ids.values()), ids
    assert [(e["source"], e["target"]) for e in pasted["edges"]] == [(ids["Greet"], ids["Answer"])]

    # Text that is not nodes (the graph's name, copied from its field) is refused.
    tab2.locator(".react-flow__pane").click(
        position={"x": 30, "y": 30}
    )  # nothing selected: the graph's properties
    name = tab2.get_by_role("textbox", name="Name")
    name.select_text()
    tab2.keyboard.press("Control+c")
    tab2.locator(".react-flow__pane").click(position={"x": 30, "y": 30})
    tab2.keyboard.press("Control+v")
    expect(tab2.get_by_text("The clipboard does not hold Switchyard nodes")).to_be_visible()

    # A payload with the right marker but an edge to a node it does not carry: refused.
    forged = {
        "type": "switchyard/nodes",
        "version": 1,
        "nodes": [{"id": "x", "kind": "llm", "label": "Forged", "config": {}}],
        "edges": [{"id": "e9", "source": "x", "target": "somewhere_else"}],
    }
    tab2.evaluate("(t) => navigator.clipboard.writeText(t)", json.dumps(forged))
    tab2.locator(".react-flow__pane").click(position={"x": 30, "y": 30})
    tab2.keyboard.press("Control+v")
    expect(tab2.get_by_text("edge 1's target is not one of the copied nodes")).to_be_visible()
    expect(node(tab2, "Forged")).to_have_count(0)
    expect(tab2.locator(".flow-node")).to_have_count(2)
