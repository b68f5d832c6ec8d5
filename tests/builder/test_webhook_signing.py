"""Run webhooks are signed (WEBHOOK_SECRET): a receiver can check the HMAC, and every
retry of one delivery carries the same delivery id."""

from __future__ import annotations

import hashlib
import hmac
import json

from builder.execution.webhooks import webhook_deliver
from tests.builder.api.receiver import Receiver


def test_deliveries_are_signed_and_retries_share_their_delivery_id(settings):
    settings.BUILDER = {
        **settings.BUILDER,
        "WEBHOOK_ALLOW_PRIVATE": True,
        "WEBHOOK_ATTEMPTS": 3,
        "WEBHOOK_BACKOFF_SECONDS": 0.01,
        "WEBHOOK_SECRET": "s3cret",
    }
    flaky = Receiver(failures=1)
    try:
        assert webhook_deliver(flaky.url, {"run_id": "r1", "status": "success"}) is True
    finally:
        flaky.close()
    (first, _), (headers, body) = flaky.raw
    assert first["X-Switchyard-Delivery"] == headers["X-Switchyard-Delivery"]
    timestamp = headers["X-Switchyard-Timestamp"]
    expected = hmac.new(b"s3cret", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Switchyard-Signature"], f"sha256={expected}")
    assert json.loads(body)["run_id"] == "r1"


def test_without_a_secret_deliveries_are_unsigned(settings):
    settings.BUILDER = {**settings.BUILDER, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_SECRET": ""}
    receiver = Receiver()
    try:
        assert webhook_deliver(receiver.url, {"run_id": "r2"}) is True
    finally:
        receiver.close()
    ((headers, body),) = receiver.raw
    assert "X-Switchyard-Signature" not in headers and headers["X-Switchyard-Delivery"]
    assert headers["Content-Type"] == "application/json"
