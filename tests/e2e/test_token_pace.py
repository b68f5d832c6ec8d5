"""The demo fake model streams at a human pace, so a first-time user watches the reply
arrive token by token in the Tokens tab instead of seeing it appear whole.

The server's pace is FAKE_MODEL_TOKEN_SECONDS (0.04 s by default); this module's server
is started slower so that the reply is on screen half-written for a few seconds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.live import SCREENSHOTS, LiveServer, chromium, login, missing_requirement

__all__ = ["chromium"]  # fixture, imported for pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]

REPLY_END = "within two working days."


@pytest.fixture(scope="module")
def paced_app() -> Iterator[LiveServer]:
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    before = os.environ.get("FAKE_MODEL_TOKEN_SECONDS")
    os.environ["FAKE_MODEL_TOKEN_SECONDS"] = "0.15"
    try:
        with LiveServer() as server:
            yield server
            print("daphne log:\n" + server.output())
    finally:
        if before is None:
            os.environ.pop("FAKE_MODEL_TOKEN_SECONDS", None)
        else:
            os.environ["FAKE_MODEL_TOKEN_SECONDS"] = before


def test_the_demo_model_reply_arrives_token_by_token(chromium: Any, paced_app: LiveServer) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, paced_app.url)
    page.goto(f"{paced_app.url}/app/graphs/{paced_app.graph_id('Support triage')}")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("status").filter(has_text="Live").wait_for()
    page.get_by_role("tab", name="Run").click()
    page.get_by_role("textbox", name="ticket", exact=True).fill("Where is my invoice?")
    page.get_by_role("button", name="Start run").click()

    tokens = page.get_by_role("region", name="Token stream")
    # Half-written: the reply has begun and not ended (the Tokens tab opens by itself).
    page.wait_for_function(
        """(end) => {
            const text = document.querySelector('[aria-label="Token stream"]')?.textContent ?? "";
            return text.includes("Thanks for getting") && !text.includes(end);
        }""",
        arg=REPLY_END,
        polling="raf",
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-tokens-arriving.png"))
    expect(tokens).to_contain_text(REPLY_END)
    context.close()
