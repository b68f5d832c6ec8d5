"""The embedded default's cron scheduler: the web process (inline executor) fires a due
cron by itself, and the run executes there."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from langgraph_sdk import get_sync_client

from builder import models as m

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_web_process_fires_a_due_cron(client_server, owner_key):
    client = get_sync_client(url=client_server.api, api_key=owner_key)
    thread = client.threads.create()
    cron = client.crons.create_for_thread(
        thread["thread_id"], "chat", schedule="0 0 1 1 *", input={"messages": "tick"}
    )
    # Due now instead of next New Year: the clock is the server's, the due time ours.
    m.Cron.objects.filter(pk=cron["cron_id"]).update(
        next_run_date=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    deadline = time.monotonic() + 30
    runs: list[dict] = []
    while not any(r["status"] == "success" for r in runs):
        assert time.monotonic() < deadline, f"the cron did not fire: {runs}"
        time.sleep(0.1)
        runs = client.runs.list(thread["thread_id"])
    assert len(runs) == 1 and runs[0]["metadata"]["cron_id"] == cron["cron_id"]
    state = client.threads.get_state(thread["thread_id"])
    assert state["values"]["messages"][-1]["content"] == "You said: tick"
    moved = client.crons.search(thread_id=thread["thread_id"])[0]["next_run_date"]
    assert dt.datetime.fromisoformat(moved).year == dt.datetime.now(dt.UTC).year + 1
