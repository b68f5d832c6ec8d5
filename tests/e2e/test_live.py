"""The builder and debugger end to end: real Chromium against the real server.

daphne serves a fresh, seeded database (``tests/e2e/live.py``) with websockets, the
in-memory channel layer and the inline executor. The tests use the app the way a person
does (roles and accessible names): build a graph by dragging nodes from the palette and
connecting handles, configure a node in its form, fix a problem, publish, run; then run
the support triage demo, watch nodes light up live, answer the review, rewind, edit the
state and fork. Screenshots of the key screens land in ``tests/e2e/screenshots/``;
``UPDATE_DOCS_SCREENSHOT=1`` also copies the one paused for review to docs/screenshot.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.live import ROOT, SCREENSHOTS, LiveServer, chromium, live_app, live_page

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]

DOCS_SCREENSHOT = ROOT / "docs" / "screenshot.png"

# Every status class a debugger node takes, in order, per node label: the canvas must
# change while the run goes on, not only after a reload.
WATCH_STATUSES_JS = """
() => {
  window.__statuses = {};
  const record = () => document.querySelectorAll('.flow-node').forEach((el) => {
    const name = (el.getAttribute('aria-label') || '').split(',')[0];
    const status = [...el.classList].filter((c) => c.startsWith('is-') && c !== 'is-selected');
    const seen = (window.__statuses[name] = window.__statuses[name] || []);
    for (const s of status) if (seen[seen.length - 1] !== s) seen.push(s);
  });
  new MutationObserver(record).observe(document.body,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
  record();
}
"""


@pytest.fixture
def page(live_page: Any) -> Any:
    """A logged-in page (see ``tests.e2e.live.live_page``)."""
    return live_page


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"live-{name}.png"
    page.screenshot(path=str(path))
    return path


def drag(page: Any, source: Any, target: Any) -> None:
    """Press on ``source``, move in steps (React Flow needs pointer moves), release on
    ``target``: how a person connects two handles."""
    a, b = source.bounding_box(), target.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=10)
    page.mouse.up()


def node(page: Any, label: str) -> Any:
    """A step node on the canvas by its label (its accessible name is "label, kind")."""
    return page.locator(f'.flow-node[aria-label^="{label}, "]')


def test_login_page_styles_stay_on_the_login_page(page: Any, live_app: LiveServer) -> None:
    # base.html styled bare button/label/input elements; inside the app none may apply.
    bare = page.evaluate(
        """() => [...document.styleSheets].flatMap((s) => {
             try { return [...s.cssRules]; } catch { return []; } })
           .map((r) => r.selectorText || '')
           .filter((t) => /(^|,)\\s*(label|button|input\\[type=(text|password)\\]|\\.page)\\s*(,|$)/.test(t))"""
    )
    assert bare == []
    assert page.get_by_role("link", name="Graphs").is_visible()


def test_build_configure_publish_and_run_a_graph(page: Any, live_app: LiveServer) -> None:
    url = live_app.url
    page.goto(url + "/app/graphs")
    # The demos' graphs.json is GRAPHS_CONFIG, not a graph; its code graphs are listed.
    expect(page.get_by_role("link", name="Support triage")).to_be_visible()
    expect(page.get_by_role("link", name="joke")).to_be_visible()
    expect(page.get_by_role("link", name="graphs", exact=True)).to_have_count(0)

    page.get_by_role("button", name=re.compile("New graph")).click()
    page.get_by_label("Name").fill("Greeter")
    page.get_by_role("button", name="Create graph").click()
    page.wait_for_url(re.compile(r"/app/graphs/\d+$"))
    graph_id = int(page.url.rsplit("/", 1)[1])
    canvas = page.get_by_role("application", name="Graph canvas")
    expect(page.locator(".react-flow__node")).to_have_count(2)  # START and END

    # A state field for the node to write.
    page.get_by_role("tab", name="State").click()
    page.get_by_role("button", name="Add state field").click()
    field = page.get_by_role("group", name=re.compile("State field")).last
    field.get_by_role("textbox", name="Name").fill("greeting")
    field.get_by_role("combobox", name="Type").select_option("string")

    # Drag a Transform node from the palette onto the canvas, then wire it up.
    box = canvas.bounding_box()
    page.get_by_role("button", name="Add Transform node").drag_to(
        canvas, target_position={"x": box["width"] * 0.5, "y": box["height"] * 0.45}
    )
    page.get_by_role("heading", name="Transform node").wait_for()
    page.get_by_label("Label").fill("Greet")
    drag(page, page.get_by_label("Connect from Start"), page.get_by_label("Connect into Greet"))
    drag(page, page.get_by_label("Connect from Greet"), page.get_by_label("Connect into End"))
    expect(page.locator(".react-flow__edge")).to_have_count(2)

    # The empty assignment is a problem; clicking it focuses the node's form.
    page.get_by_role("tab", name=re.compile("Problems")).click()
    problem = page.get_by_role("button", name=re.compile("needs 'field'"))
    expect(problem).to_have_count(1)
    shot(page, "editor-problem")
    problem.click()
    page.get_by_role("heading", name="Transform node").wait_for()
    page.get_by_role("combobox", name=re.compile(r"^Field\W*$")).select_option("greeting")
    page.get_by_role("textbox", name="Expression").fill("'hello from ' + 'the browser'")
    page.get_by_role("tab", name=re.compile("Problems")).click()
    expect(page.get_by_role("tab", name=re.compile("Problems"))).to_have_accessible_name(
        re.compile(r"Problems \(0\)"), timeout=15_000
    )
    page.get_by_text("All changes saved").wait_for()
    shot(page, "editor-built")

    page.get_by_role("button", name="Publish…").click()
    dialog = page.get_by_role("dialog", name="Publish a version")
    dialog.get_by_label("What changed?").fill("First version, built in the browser")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published version 1.").wait_for()
    saved = live_app.api("GET", f"/api/graphs/{graph_id}/")
    assert saved["latest_version"] == 1
    (greet,) = saved["spec"]["nodes"]
    assert greet["label"] == "Greet" and greet["config"]["set"][0]["field"] == "greeting"
    assert {(e["source"], e["target"]) for e in saved["spec"]["edges"]} == {
        ("__start__", greet["id"]),
        (greet["id"], "__end__"),
    }

    page.get_by_role("button", name="Mermaid").click()
    mermaid = page.get_by_label("Mermaid source")
    expect(mermaid).to_contain_text(f"START --> {greet['id']}")
    assert "n_n_" not in mermaid.inner_text()
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    page.get_by_role("status").filter(has_text="Live").wait_for()
    page.get_by_role("tab", name="Run").click()
    page.get_by_role("button", name="Start run").click()
    expect(node(page, "Greet")).to_have_class(re.compile(r"\bis-finished\b"))
    page.get_by_role("tab", name="State").click()
    expect(page.get_by_role("region", name="State inspector")).to_contain_text(
        "hello from the browser"
    )
    shot(page, "run-finished")

    # Re-run from the input with a breakpoint set on the canvas: the run (started over the
    # websocket) stops before the node instead of running through it.
    node(page, "Greet").click()
    page.get_by_role("group", name="Checkpoint timeline").get_by_role(
        "button", name="Checkpoint at step -1 (input)"
    ).first.click()
    page.get_by_role("button", name="Re-run from here").click()
    paused = page.get_by_role("region", name="Paused at a breakpoint")
    expect(paused).to_contain_text("Greet")
    expect(node(page, "Greet")).not_to_have_class(re.compile(r"\bis-finished\b"))


def test_debug_review_rewind_and_fork(page: Any, live_app: LiveServer) -> None:
    graph_id = live_app.graph_id("Support triage")
    page.goto(f"{live_app.url}/app/graphs/{graph_id}")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    thread_id = page.url.split("/app/threads/")[1].split("?")[0]
    page.get_by_role("status").filter(has_text="Live").wait_for()
    page.evaluate(WATCH_STATUSES_JS)

    # A breakpoint before "Draft reply" (click the node), then start with a billing ticket.
    node(page, "Draft reply").click()
    page.get_by_role("tab", name="Run").click()
    page.get_by_role("textbox", name="ticket", exact=True).fill("Please send my invoice again")
    page.get_by_role("button", name="Start run").click()
    paused = page.get_by_role("region", name="Paused at a breakpoint")
    expect(paused).to_contain_text("Draft reply")
    expect(node(page, "Classify ticket")).to_have_class(re.compile(r"\bis-finished\b"))
    paused.get_by_role("button", name="Continue").click()
    node(page, "Draft reply").click()  # and the breakpoint off again

    # The run stops at the human review step.
    review = page.get_by_role("region", name="Waiting for review")
    expect(review).to_contain_text("Approve the reply to a billing ticket")
    expect(node(page, "Approve reply")).to_have_class(re.compile(r"\bis-waiting\b"))
    expect(node(page, "Draft reply")).to_have_class(re.compile(r"\bis-finished\b"))
    # "Continue" started a new run on the same lineage: classification stays done.
    expect(node(page, "Classify ticket")).to_have_class(re.compile(r"\bis-finished\b"))
    statuses = page.evaluate("window.__statuses")
    assert "is-finished" in statuses["Classify ticket"], statuses
    assert "is-waiting" in statuses["Approve reply"], statuses
    shot(page, "debugger-review")

    review.get_by_role("textbox", name="Comment").fill("Looks right")
    review.get_by_role("button", name="Approve").click()
    expect(node(page, "Send reply")).to_have_class(re.compile(r"\bis-finished\b"))
    expect(review).to_have_count(0)
    state = live_app.api("GET", f"/api/threads/{thread_id}/state")
    assert state["values"]["status"] == "sent" and state["values"]["decision"] == "approve"

    # Rewind to the step before classification and give it another ticket: a fork.
    timeline = page.get_by_role("group", name="Checkpoint timeline")
    timeline.get_by_role("button", name="Checkpoint at step 0 (loop)").first.click()
    page.get_by_role("tab", name="State").click()
    page.get_by_role("button", name="Edit state here").click()
    editor = page.get_by_label(re.compile("New state values"))
    values = state["values"] | {"ticket": "How do I change my password?"}
    for key in ("draft", "decision", "status"):
        values.pop(key, None)
    editor.fill(json.dumps(values))
    page.get_by_role("button", name="Save and continue from here").click()
    expect(timeline.get_by_role("button", name=re.compile(r", fork start,"))).to_have_count(1)
    expect(page.locator(".timeline-fork")).to_have_count(1)

    # The fork pauses at the review again: edit the reply and continue.
    expect(review).to_contain_text("Approve the reply to a question ticket")
    expect(node(page, "Draft reply")).to_have_class(re.compile(r"\bis-finished\b"))
    page.wait_for_timeout(500)  # let the token panel and the layout settle
    best = shot(page, "debugger-fork-review")
    # The README's picture; refreshed on request so test runs leave the tree clean.
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") or not DOCS_SCREENSHOT.exists():
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(best, DOCS_SCREENSHOT)
    reply = review.get_by_role("textbox", name="Reply (edit if needed)")
    expect(reply).to_have_value(re.compile("change my password"))  # the draft under review
    reply.click()
    reply.fill("Settings → Billing.")
    review.get_by_role("button", name="Edit and continue").click()
    expect(node(page, "Send reply")).to_have_class(re.compile(r"\bis-finished\b"))
    state = live_app.api("GET", f"/api/threads/{thread_id}/state")
    assert state["values"]["draft"] == "Settings → Billing."
    assert state["values"]["status"] == "sent"
    assert state["values"]["messages"][-1]["content"] == "Settings → Billing."

    # Re-run from the input checkpoint: a second branch; the old ones stay.
    timeline.get_by_role("button", name="Checkpoint at step -1 (input)").first.click()
    page.get_by_role("button", name="Re-run from here").click()
    expect(timeline.get_by_role("button", name=re.compile(r", fork start,"))).to_have_count(2)
    expect(review).to_contain_text("Approve the reply to a billing ticket")
    shot(page, "debugger-forks")
    history = live_app.api("POST", f"/api/threads/{thread_id}/history", {"limit": 100})
    assert sum(1 for s in history if s["metadata"].get("source") == "fork") >= 1

    # An earlier step of the first run shows the nodes as they were then, not the latest
    # run's: classification done, the draft (stopped by the breakpoint) not yet.
    finished, waiting = re.compile(r"\bis-finished\b"), re.compile(r"\bis-waiting\b")
    expect(node(page, "Approve reply")).to_have_class(waiting)
    timeline.get_by_role("button", name="Checkpoint at step 1 (loop)").first.click()
    viewing = page.locator(".canvas-viewing")
    expect(viewing).to_contain_text("Node statuses as of step 1")
    expect(node(page, "Classify ticket")).to_have_class(finished)
    expect(node(page, "Draft reply")).not_to_have_class(finished)
    expect(node(page, "Approve reply")).not_to_have_class(waiting)
    shot(page, "debugger-earlier-step")
    viewing.get_by_role("button", name="Show latest").click()
    expect(node(page, "Draft reply")).to_have_class(finished)
    expect(node(page, "Approve reply")).to_have_class(waiting)
    expect(viewing).to_have_count(0)


def test_code_graph_opens_read_only(page: Any, live_app: LiveServer) -> None:
    page.goto(f"{live_app.url}/app/graphs/{live_app.graph_id('support_triage')}")
    page.get_by_text("defined in Python code").wait_for()
    expect(node(page, "Approve reply")).to_have_count(1)
    assert page.get_by_role("complementary", name="Node kinds").count() == 0
    expect(page.get_by_role("tab", name=re.compile("Problems"))).to_have_accessible_name(
        "Problems (0)"
    )
    page.get_by_role("button", name="Mermaid").click()
    source = page.get_by_label("Mermaid source")
    expect(source).to_contain_text("review")
    shot(page, "code-graph")


def test_debugger_refuses_broken_state_and_names_things(page: Any, live_app: LiveServer) -> None:
    """The state editor never saves JSON that does not parse, shows the server's 400 next
    to the text, and the panels speak in node labels, one row per message, at 1280x800."""
    graph_id = live_app.graph_id("Support triage")
    page.goto(f"{live_app.url}/app/graphs/{graph_id}")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    thread_id = page.url.split("/app/threads/")[1].split("?")[0]
    live = page.get_by_role("status").filter(has_text="Live")
    live.wait_for()
    expect(live).to_have_class(re.compile(r"\bis-live\b"))

    # The primary action of the Run tab is on screen without scrolling.
    page.get_by_role("tab", name="Run").click()
    start = page.get_by_role("button", name="Start run")
    box = start.bounding_box()
    assert box and box["y"] + box["height"] <= 800, box
    page.get_by_role("textbox", name="ticket", exact=True).fill("Please send my invoice again")
    start.click()
    review = page.get_by_role("region", name="Waiting for review")
    expect(review).to_contain_text("Waiting for review at Approve reply")

    # Tokens: one block per node and message, the scripted model said to be fake.
    page.get_by_role("tab", name="Tokens").click()
    expect(
        page.get_by_role("article", name=re.compile(r"^Classify ticket, fake model \(demo\)"))
    ).to_have_count(1)
    expect(
        page.get_by_role("article", name=re.compile(r"^Draft reply, fake model \(demo\)"))
    ).to_have_count(1)
    # Events: a message's token chunks are one row.
    page.get_by_role("tab", name="Events").click()
    log = page.get_by_role("region", name="Event log")
    expect(log.locator(".event-chunks")).to_have_count(2)

    # Edit the state at step 1 with JSON missing its closing brace: nothing can be saved.
    timeline = page.get_by_role("group", name="Checkpoint timeline")
    timeline.get_by_role("button", name=re.compile(r"^Checkpoint at step 1 \(loop\)")).first.click()
    page.get_by_role("tab", name="State").click()
    before = len(live_app.api("POST", f"/api/threads/{thread_id}/history", {"limit": 100}))
    page.get_by_role("button", name="Edit state here").click()
    editor = page.get_by_label(re.compile("New state values"))
    editor.fill('{"category": 12, "bogus_field": 1')
    alert = page.get_by_role("alert").filter(has_text="Not valid JSON")
    expect(alert).to_contain_text(re.compile(r"Line 1, column \d+"))
    expect(page.get_by_role("button", name="Save state only")).to_be_disabled()
    expect(page.get_by_role("button", name="Save and continue from here")).to_be_disabled()
    # Cancel stays inside the panel.
    cancel = page.get_by_role("button", name="Cancel", exact=True).bounding_box()
    panel = page.get_by_role("complementary", name="Debugger panels").bounding_box()
    assert cancel and panel and cancel["x"] + cancel["width"] <= panel["x"] + panel["width"], (
        cancel,
        panel,
    )

    # Valid JSON the schema refuses: the server's pointers beside the kept text, no fork.
    editor.fill('{"category": 12, "bogus_field": 1}')
    page.get_by_role("button", name="Save state only").click()
    refused = page.get_by_role("alert").filter(has_text="The server refused")
    expect(refused).to_contain_text("/values/category")
    expect(refused).to_contain_text("/values/bogus_field")
    expect(editor).to_have_value('{"category": 12, "bogus_field": 1}')
    assert len(live_app.api("POST", f"/api/threads/{thread_id}/history", {"limit": 100})) == before
    shot(page, "debugger-state-refused")
    # The same over the socket ("Save and continue" forks): refused beside the editor, no run.
    page.get_by_role("button", name="Save and continue from here").click()
    expect(page.get_by_role("alert").filter(has_text="The server refused")).to_contain_text(
        "bogus_field"
    )
    expect(editor).to_have_value('{"category": 12, "bogus_field": 1}')
    assert len(live_app.api("POST", f"/api/threads/{thread_id}/history", {"limit": 100})) == before

    # The audit trail: one sentence per run, codes only as tooltips.
    page.get_by_role("tab", name="Audit trail").click()
    audit = page.get_by_role("region", name="Audit trail")
    expect(audit.get_by_text("started a run", exact=True)).to_have_count(1)
    expect(audit.get_by_text("created the thread", exact=True)).to_have_count(1)
    expect(audit).not_to_contain_text("run.started")
