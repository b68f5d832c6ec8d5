"""A run whose database goes away mid-run waits for it and continues: PostgreSQL is
stopped while a node runs and started again seconds later. No node runs twice (each
counts its executions in a side table on another server), none is lost, and the final
state equals that of an undisturbed run."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.e2e.live import LiveServer
from tests.faults.blink_graph import NODES
from tests.faults.postgres import PrivatePostgres, private_postgres

pytestmark = [pytest.mark.faults, pytest.mark.slow]

GRAPHS = Path(__file__).with_name("graphs.json")
OUTAGE_SECONDS = 3
FINAL = ("success", "error", "timeout", "interrupted", "cancelled")


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    yield from private_postgres()


@pytest.fixture
def side_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A table on the shared server (which stays up) where nodes count executions."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("fault tests count node executions in PostgreSQL: set DATABASE_URL")
    table = f"fault_node_runs_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE TABLE {} (thread_id text, node text)").format(sql.Identifier(table))
        )
    monkeypatch.setenv("BLINK_SIDE_URL", url)
    monkeypatch.setenv("BLINK_SIDE_TABLE", table)
    try:
        yield url, table
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))


@pytest.fixture
def server(
    postgres: PrivatePostgres,
    side_table: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    monkeypatch.setenv("DATABASE_URL", postgres.url)
    monkeypatch.setenv("BLINK_RELEASE", str(tmp_path / "release"))
    with LiveServer(graphs_config=GRAPHS) as live:
        yield live
        print("daphne log:\n" + live.output())


def executions(side_table: tuple[str, str], thread_id: str) -> list[str]:
    url, table = side_table
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            sql.SQL("SELECT node FROM {} WHERE thread_id = %s").format(sql.Identifier(table)),
            (thread_id,),
        ).fetchall()
    return sorted(node for (node,) in rows)


def start_run(server: LiveServer, durability: str) -> tuple[str, str]:
    thread_id = server.api("POST", "/api/threads", {})["thread_id"]
    body = {"assistant_id": "blink", "input": {}, "durability": durability}
    run = server.api("POST", f"/api/threads/{thread_id}/runs", body)
    return thread_id, run["run_id"]


def wait_until(condition: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return result


def finished(server: LiveServer, thread_id: str, run_id: str) -> dict[str, Any]:
    def status() -> dict[str, Any] | None:
        run = server.api("GET", f"/api/threads/{thread_id}/runs/{run_id}")
        return run if run["status"] in FINAL else None

    run = wait_until(status, f"run {run_id} to finish", timeout=120)
    return {"status": run["status"], "state": server.api("GET", f"/api/threads/{thread_id}/state")}


@pytest.mark.parametrize("durability", ["async", "sync"])
def test_a_run_waits_out_a_database_outage_and_repeats_nothing(
    server: LiveServer, postgres: PrivatePostgres, side_table: tuple[str, str], durability: str
) -> None:
    release = Path(os.environ["BLINK_RELEASE"])
    release.touch()
    calm_thread, calm_run = start_run(server, durability)
    calm = finished(server, calm_thread, calm_run)
    assert calm["status"] == "success"
    assert calm["state"]["values"] == {"steps": list(NODES)}

    release.unlink()
    thread_id, run_id = start_run(server, durability)
    wait_until(lambda: "hold" in executions(side_table, thread_id), "node hold to start")
    postgres.stop()
    release.touch()  # "hold" finishes while the database is down: its writes must wait
    time.sleep(OUTAGE_SECONDS)
    postgres.start()

    blinked = finished(server, thread_id, run_id)
    assert blinked["status"] == "success", server.output()
    assert executions(side_table, thread_id) == sorted(NODES)  # 0 lost, 0 repeated
    assert blinked["state"]["values"] == calm["state"]["values"]
    assert blinked["state"]["next"] == calm["state"]["next"] == []
    assert "database unavailable" in server.output()  # the run did meet the outage
