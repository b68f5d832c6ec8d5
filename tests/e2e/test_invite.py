"""An invitation end to end in real Chromium against the real server (``tests/e2e/live.py``).

The owner creates an invitation link in Settings. Someone without an account opens it,
creates an account on the invitation page and lands in the workspace's graphs. A second
invitation (a higher role) is then accepted by that same, now logged-in, person with the
page's Join button. Both forms post from the invitation page, whose Referrer-Policy once
made Chromium send ``Origin: null`` and CSRF refuse the post (403).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, live_app, live_page

__all__ = ["chromium", "live_app", "live_page"]  # fixtures, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


def create_invitation(owner: Any, url: str, role: str) -> str:
    """The link of a new invitation made in Settings, as the owner would copy it."""
    owner.goto(url + "/app/settings")
    form = owner.get_by_role("form", name="Create an invitation")
    form.get_by_label("Role").select_option(role)
    form.get_by_role("button", name="Create invitation").click()
    link = owner.get_by_role("textbox", name="Invitation link")
    expect(link).to_have_value(re.compile(r"/invite/[^/]+/$"))
    return str(link.input_value())


def test_invited_person_signs_up_joins_and_accepts_again(
    live_page: Any, chromium: Any, live_app: LiveServer
) -> None:
    owner = live_page
    link = create_invitation(owner, live_app.url, "reviewer")

    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    newcomer = context.new_page()
    newcomer.set_default_timeout(20_000)
    errors: list[str] = []
    newcomer.on("pageerror", lambda e: errors.append(str(e)))
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join Demo")).to_be_visible()
    expect(newcomer.get_by_role("link", name="Log in to accept")).to_be_visible()
    signup = newcomer.get_by_role("form", name="Create an account")
    signup.get_by_label("Username").fill("newcomer")
    signup.get_by_label("Password", exact=True).fill("short")
    signup.get_by_label("Password confirmation").fill("short")
    signup.get_by_role("button", name="Create account and join").click()
    # Refused with the reason, not with a CSRF page.
    expect(newcomer.get_by_role("alert")).to_contain_text("too short")
    signup.get_by_label("Password", exact=True).fill("river stone lantern 42")
    signup.get_by_label("Password confirmation").fill("river stone lantern 42")
    SCREENSHOTS.mkdir(exist_ok=True)
    newcomer.screenshot(path=str(SCREENSHOTS / "live-invite-sign-up.png"))
    signup.get_by_role("button", name="Create account and join").click()

    newcomer.wait_for_url(re.compile(r"/app/graphs\?workspace=demo"))
    expect(newcomer.get_by_role("heading", name="Graphs")).to_be_visible()
    expect(newcomer.get_by_role("combobox", name="Workspace")).to_have_value("demo")
    expect(newcomer.get_by_role("link", name="Support triage")).to_be_visible()
    expect(newcomer.get_by_text("newcomer")).to_be_visible()
    newcomer.screenshot(path=str(SCREENSHOTS / "live-invite-joined.png"))
    # A reviewer: no "New graph" button.
    expect(newcomer.get_by_role("button", name="New graph")).to_have_count(0)

    # A second invitation, as editor, accepted by the logged-in newcomer.
    link = create_invitation(owner, live_app.url, "editor")
    newcomer.goto(link)
    expect(newcomer.get_by_text("You are logged in as newcomer")).to_be_visible()
    newcomer.get_by_role("button", name="Join the workspace").click()
    newcomer.wait_for_url(re.compile(r"/app/graphs\?workspace=demo"))
    expect(newcomer.get_by_role("button", name="New graph")).to_be_visible()

    owner.goto(live_app.url + "/app/settings")
    expect(owner.get_by_role("row", name=re.compile(r"newcomer"))).not_to_have_count(0)
    context.close()
    assert not errors, errors
