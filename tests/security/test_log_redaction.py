"""Share and invitation tokens never reach a log: daphne's access log and Django's
request warnings show their paths with the token redacted (over a live daphne)."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest

from builder.log_redaction import RedactTokens, redact
from tests.builder.api.live import GRAPHS_JSON, database_url, serve

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SECRETS = ("sharetokenAAA111", "invitetokenBBB222", "apitokenCCC333")


@pytest.fixture(scope="module")
def logged_api(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any):
    with django_db_blocker.unblock():
        db_url = database_url()
    # Unbuffered, so the access log is in the file as soon as a request completes.
    yield from serve(db_url, tmp_path_factory, GRAPHS_JSON, PYTHONUNBUFFERED="1")


def test_tokens_are_redacted_in_the_access_log(logged_api):
    paths = [
        f"/share/{SECRETS[0]}/",
        f"/invite/{SECRETS[1]}/?next=/app/",
        f"/api/share/{SECRETS[2]}/thread/",
    ]
    for path in paths:
        assert httpx.get(logged_api.url + path).status_code < 500
    deadline = time.monotonic() + 10
    while logged_api.output().count("[redacted]") < len(paths) and time.monotonic() < deadline:
        time.sleep(0.1)
    log = logged_api.output()
    assert "/share/[redacted]/" in log and "/invite/[redacted]/" in log
    assert "/api/share/[redacted]/thread/" in log
    assert not any(secret in log for secret in SECRETS), log


def test_the_logging_filter_redacts_messages_and_their_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/share/abc/",), None
    )
    assert RedactTokens().filter(record)
    assert record.getMessage() == "Not Found: /share/[redacted]/"
    assert redact('"GET /invite/x1?y=2 HTTP/1.1"') == '"GET /invite/[redacted]?y=2 HTTP/1.1"'
    assert redact("GET /api/threads/share-thing/") == "GET /api/threads/share-thing/"
