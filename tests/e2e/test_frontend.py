"""End-to-end checks of the editor and debugger in a real browser (see conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.timeout(120)

# Every interactive element must expose a role and an accessible name.
UNNAMED_CONTROLS_JS = """
() => {
  const sel = 'button, a[href], input:not([type=hidden]), select, textarea, [role=tab], [role=button]';
  const named = (el) => {
    if (el.getAttribute('aria-label')?.trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if (el.closest('label')?.textContent?.trim()) return true;
    if (el.getAttribute('title')?.trim()) return true;
    if (['BUTTON', 'A'].includes(el.tagName) || el.getAttribute('role')) return !!el.textContent.trim();
    return false;
  };
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  return [...document.querySelectorAll(sel)].filter(visible).filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 160));
}
"""


def open_editor(page: Any, backend: Any, name: str = "Support triage") -> str:
    gid = backend.graph_id(name)
    page.goto(f"{backend.url}/app/graphs/{gid}")
    page.wait_for_selector(".react-flow__node")
    return gid


def test_graph_list_and_navigation(page: Any, mock_backend: Any) -> None:
    page.goto(mock_backend.url + "/")
    page.get_by_role("link", name="Support triage").click()
    page.wait_for_selector(".react-flow__node")
    assert re.search(r"/app/graphs/[0-9a-f-]+$", page.url)
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("heading", name="Inbox").wait_for()
    page.go_back()
    page.wait_for_selector(".react-flow__node")


def test_editor_adds_a_node_and_autosaves(page: Any, mock_backend: Any) -> None:
    gid = open_editor(page, mock_backend)
    before = len(mock_backend.api("GET", f"/api/graphs/{gid}/")["spec"]["nodes"])
    page.get_by_role("button", name="Add Tools node").click()
    page.get_by_role("heading", name="Tools node").wait_for()
    page.get_by_label("Label").fill("Run tools")
    page.get_by_text("All changes saved").wait_for()
    spec = mock_backend.api("GET", f"/api/graphs/{gid}/")["spec"]
    assert len(spec["nodes"]) == before + 1
    added = spec["nodes"][-1]
    assert added["kind"] == "tools" and added["label"] == "Run tools"
    assert re.fullmatch(r"n_[0-9a-f]{32}", added["id"])
    # Undo twice (label, then the node) and the server draft follows.
    page.locator(".react-flow__pane").click()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    page.get_by_text("All changes saved").wait_for()
    page.wait_for_timeout(1500)
    assert len(mock_backend.api("GET", f"/api/graphs/{gid}/")["spec"]["nodes"]) == before


def test_problem_click_focuses_the_node(page: Any, mock_backend: Any) -> None:
    open_editor(page, mock_backend)
    page.get_by_role("button", name="Add HTTP request node").click()
    page.get_by_role("tab", name=re.compile(r"Problems")).click()
    problem = page.get_by_role("button", name=re.compile("needs a url"))
    problem.first.click()
    page.get_by_role("heading", name="HTTP request node").wait_for()
    assert page.locator(".react-flow__node.selected").count() == 1


def test_conflict_shows_their_change_and_take_theirs(page: Any, mock_backend: Any) -> None:
    gid = open_editor(page, mock_backend)
    current = mock_backend.api("GET", f"/api/graphs/{gid}/")
    theirs = dict(current["spec"], name="Renamed by Alice")
    mock_backend.api(
        "PATCH",
        f"/api/graphs/{gid}/",
        {"spec": theirs, "draft_revision": current["draft_revision"]},
    )
    page.get_by_label("Name").fill("My name")
    dialog = page.get_by_role("dialog", name="Someone else changed this graph")
    dialog.wait_for()
    assert "Renamed the graph to “Renamed by Alice”" in dialog.inner_text()
    dialog.get_by_role("button", name="Take theirs").click()
    page.get_by_role("heading", name="Renamed by Alice").wait_for()


def test_code_graph_is_read_only(page: Any, mock_backend: Any) -> None:
    open_editor(page, mock_backend, "Code-defined agent")
    page.get_by_text("defined in Python code").wait_for()
    assert page.get_by_role("complementary", name="Node kinds").count() == 0
    assert page.get_by_role("button", name="Undo").count() == 0


def test_debugger_runs_streams_and_reviews(page: Any, mock_backend: Any) -> None:
    open_editor(page, mock_backend)
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    page.wait_for_selector(".react-flow__node")
    page.get_by_role("status").filter(has_text="Live").wait_for()
    page.get_by_role("tab", name="Run").click()
    # Drop the graph's own breakpoint so the run goes straight to the review.
    page.get_by_role("button", name="Remove breakpoint before Approve reply").click()
    page.locator("#run-input_messages").fill("My app crashes")
    page.get_by_role("button", name="Start run").click()
    review = page.get_by_role("region", name="Waiting for review")
    review.wait_for()
    assert "Approve the reply" in review.inner_text()
    expect(page.locator(".flow-node.is-waiting")).to_have_count(1)
    expect(page.locator(".flow-node.is-finished")).to_have_count(2)
    page.get_by_role("tab", name="Tokens").click()
    page.get_by_text("The ticket is a question.", exact=False).wait_for()
    page.get_by_role("tab", name="State").click()
    page.get_by_role("region", name="Changes from the previous step").wait_for()
    expect(page.locator(".timeline-dot")).to_have_count(3)
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    assert unnamed == [], unnamed
    assert "Thanks for writing in!" in review.inner_text()
    review.get_by_label("Comment").fill("Looks good")
    review.get_by_role("button", name="Approve").click()
    # The resumed run continues the same lineage: the earlier steps stay finished.
    expect(page.locator(".flow-node.is-finished")).to_have_count(3)
    expect(page.locator(".timeline-dot")).to_have_count(4)
    thread_id = page.url.split("/app/threads/")[1].split("?")[0]
    state = mock_backend.api("GET", f"/api/threads/{thread_id}/state")
    assert state["values"]["notes"][-1] == {"comment": "Looks good", "decision": "approve"}
    # Edit the state two steps back: the new checkpoint forks onto a second lane.
    page.get_by_role("button", name=re.compile(r"Checkpoint at step 0 ")).click()
    page.get_by_role("button", name="Edit state here").click()
    editor = page.get_by_label(re.compile("New state values"))
    editor.fill('{"category": "bug", "messages": [], "notes": []}')
    page.get_by_role("button", name="Save and continue from here").click()
    expect(page.get_by_role("button", name=re.compile(r", fork start,"))).to_have_count(1)
    expect(page.locator(".timeline-fork")).to_have_count(1)


def test_every_editor_control_has_a_name(page: Any, mock_backend: Any) -> None:
    open_editor(page, mock_backend)
    page.locator(".react-flow__node", has_text="Classify ticket").click()
    page.get_by_role("heading", name="LLM node").wait_for()
    for tab in ("Properties", "State"):
        page.get_by_role("tab", name=tab).click()
        unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
        assert unnamed == [], unnamed


def test_debugger_breakpoint_pauses_and_continues(page: Any, mock_backend: Any) -> None:
    open_editor(page, mock_backend)
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"/app/threads/"))
    page.get_by_role("status").filter(has_text="Live").wait_for()
    page.get_by_role("tab", name="Run").click()
    # The graph's own breakpoint (before "Approve reply") is listed for the run.
    page.get_by_role("button", name="Remove breakpoint before Approve reply").wait_for()
    page.get_by_role("button", name="Start run").click()
    paused = page.get_by_role("region", name="Paused at a breakpoint")
    paused.wait_for()
    expect(paused).to_contain_text("Stopped before Approve reply")
    paused.get_by_role("button", name="Continue").click()
    page.get_by_role("region", name="Waiting for review").wait_for()
    expect(paused).to_have_count(0)
