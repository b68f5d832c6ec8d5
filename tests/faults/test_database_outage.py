"""While PostgreSQL is down the server answers 503 with Retry-After and a clear error,
never a 500; /healthz stays live, /readyz names the database; when it is back, so is
the service."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.live import LiveServer
from tests.faults.postgres import PrivatePostgres, private_postgres

pytestmark = [pytest.mark.faults, pytest.mark.slow]


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    yield from private_postgres()


@pytest.fixture
def server(postgres: PrivatePostgres, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.setenv("DATABASE_URL", postgres.url)
    with LiveServer() as live:
        yield live
        print("daphne log:\n" + live.output())


def call(
    server: LiveServer, method: str, path: str, body: Any = None, cookie: str = ""
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request as ``demo``, whatever the status."""
    headers = {"Content-Type": "application/json", "X-Api-Key": server.api_key}
    if cookie:
        headers["Cookie"] = cookie
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def assert_outage_answer(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 503, body[:500]
    assert headers["Retry-After"] == "5"
    error = json.loads(body)["error"]
    assert error["code"] == "database_unavailable"
    assert "database is unavailable" in error["message"]


def test_a_database_outage_answers_503_with_retry_after_and_recovers(
    server: LiveServer, postgres: PrivatePostgres
) -> None:
    graphs = server.api("GET", "/api/graphs/?workspace=demo")["results"]
    assert graphs and call(server, "GET", "/readyz")[0] == 200

    postgres.stop()
    assert_outage_answer(*call(server, "GET", "/api/graphs/?workspace=demo"))
    assert_outage_answer(*call(server, "POST", "/api/threads", {}))
    # A page outside the API (its session lives in the database) answers a plain 503.
    status, headers, body = call(server, "GET", "/", cookie="sessionid=" + "x" * 32)
    assert (status, headers["Retry-After"]) == (503, "5")
    assert b"database is unavailable" in body
    assert call(server, "GET", "/healthz")[0] == 200
    status, headers, body = call(server, "GET", "/readyz")
    assert (status, json.loads(body)["failed"]) == (503, ["database"])

    postgres.start()
    status, _, body = call(server, "GET", "/api/graphs/?workspace=demo")
    assert status == 200, body[:500]
    assert json.loads(body)["results"] == graphs
    assert call(server, "GET", "/readyz")[0] == 200
    assert "Traceback" not in server.output()
