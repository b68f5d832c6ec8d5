"""Run webhooks: once a run has finished, its final payload is POSTed to the URL given at
run creation (LangGraph Server's ``webhook``).

The URL comes from an API client, so it must not become a way into the server's own
network (SSRF): only http and https; the host is resolved here and every address it
resolves to must be public, unless ``WEBHOOK_ALLOW_PRIVATE`` is on; the request goes to
the address that was checked (so a DNS answer cannot change between check and use), and
redirects are not followed. Delivery happens after commit, off the request path
(``builder.execution.dispatch.dispatch_webhook``), with a few bounded retries.

With ``WEBHOOK_SECRET`` set, each delivery is signed so the receiver can tell it came
from this server and was not replayed: ``X-Switchyard-Signature: sha256=<hex>``, the
HMAC-SHA256 under the secret of ``"<X-Switchyard-Timestamp>.<raw body>"``. Every
attempt of one delivery carries the same ``X-Switchyard-Delivery`` id (for dedup).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from builder.netguard import (
    Address,
    is_public,
    literal_address,
    port_of,
    resolve,
    split_url,
    unmapped,
)
from builder.wire import resources as wire
from builder.wire.messages import with_messages

logger = logging.getLogger(__name__)

MAX_URL_LENGTH = 2000


class WebhookRefused(ValueError):
    """The webhook URL is not one the server may call (services turn it into a 422)."""


@dataclass(frozen=True)
class WebhookTarget:
    """Where to connect (a checked address) and what to ask for there."""

    url: str  # the original URL, with the address in place of the host name
    host: str  # the host name, for the Host header and TLS (SNI, certificate)
    host_header: str


def webhook_check_url(url: str) -> urllib.parse.SplitResult:
    """Refuse what no resolution can make acceptable: another scheme, no host, user
    info, a literal address that is not public (when private ones are not allowed)."""
    if len(url) > MAX_URL_LENGTH:
        raise WebhookRefused(f"webhook: longer than {MAX_URL_LENGTH} characters")
    try:
        parts = split_url(url)
    except ValueError as exc:
        raise WebhookRefused(f"webhook: {exc}") from None
    literal = literal_address(parts.hostname or "")
    if literal is not None:
        _check_address(literal)
    return parts


def _allow_private() -> bool:
    return bool(settings.BUILDER.get("WEBHOOK_ALLOW_PRIVATE"))


def _check_address(address: Address) -> None:
    address = unmapped(address)
    if _allow_private():
        return
    if not is_public(address):
        raise WebhookRefused(
            f"webhook: {address} is a private, loopback or reserved address; "
            "set WEBHOOK_ALLOW_PRIVATE to allow it"
        )


def webhook_target(url: str) -> WebhookTarget:
    """Resolve and check ``url``: every address of the host must pass, and the first is
    the one connected to."""
    parts = webhook_check_url(url)
    host = parts.hostname or ""
    try:
        addresses = resolve(host, port_of(parts))
    except OSError as exc:
        raise WebhookRefused(f"webhook: cannot resolve {host} ({exc})") from None
    if not addresses:
        raise WebhookRefused(f"webhook: {host} has no address")
    for address in addresses:
        _check_address(address)
    chosen = addresses[0]
    netloc = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    if parts.port:
        netloc += f":{parts.port}"
    host_header = host if not parts.port else f"{host}:{parts.port}"
    pinned = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return WebhookTarget(url=pinned, host=host, host_header=host_header)


def webhook_payload(
    run: Any, *, status: str, error: dict[str, Any] | None, values: Any, finished_at: dt.datetime
) -> dict[str, Any]:
    """The run as the API shows it (LangGraph Server's run object), finished, with the
    thread's final values."""
    body = wire.run(run)
    body["status"] = wire.RUN_STATUS.get(status, status)
    body["updated_at"] = finished_at.isoformat()
    body["values"] = with_messages(values)
    if error:
        body["error"] = {k: v for k, v in error.items() if k != "traceback"}
    return body


def _retryable(response: httpx.Response) -> bool:
    return response.status_code == 429 or response.status_code >= 500


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _signed(payload: dict[str, Any], delivery: str) -> tuple[bytes, dict[str, str]]:
    """The body of one attempt and its signature headers (none without a secret)."""
    now = dt.datetime.now(dt.UTC)
    body = json.dumps({**payload, "webhook_sent_at": now.isoformat()}).encode()
    headers = {"Content-Type": "application/json", "X-Switchyard-Delivery": delivery}
    secret = settings.BUILDER.get("WEBHOOK_SECRET") or ""
    if secret:
        timestamp = str(int(now.timestamp()))
        headers["X-Switchyard-Timestamp"] = timestamp
        headers["X-Switchyard-Signature"] = webhook_signature(secret, timestamp, body)
    return body, headers


def webhook_deliver(url: str, payload: dict[str, Any]) -> bool:
    """POST ``payload`` to ``url``; True once a 2xx answer came. Connection errors, 429
    and 5xx are retried (``WEBHOOK_ATTEMPTS`` in all, backing off); other answers and a
    refused URL are final. Never raises: the run is finished whatever the receiver does."""
    attempts = max(1, int(settings.BUILDER["WEBHOOK_ATTEMPTS"]))
    backoff = float(settings.BUILDER["WEBHOOK_BACKOFF_SECONDS"])
    timeout = float(settings.BUILDER["WEBHOOK_TIMEOUT_SECONDS"])
    run_id = payload.get("run_id")
    delivery = str(uuid.uuid4())
    for attempt in range(1, attempts + 1):
        try:
            # Resolved again on every attempt: an address may have changed meanwhile.
            target = webhook_target(url)
        except WebhookRefused as exc:
            logger.warning("run %s: webhook not sent: %s", run_id, exc)
            return False
        extensions = {"sni_hostname": target.host} if url.startswith("https") else {}
        try:
            # trust_env off: a proxy from the environment would connect by name, not to
            # the address that was checked.
            body, signed = _signed(payload, delivery)
            with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as http:
                response = http.post(
                    target.url,
                    content=body,
                    headers={
                        "Host": target.host_header,
                        "User-Agent": "switchyard-webhook",
                        **signed,
                    },
                    extensions=extensions,
                )
        except httpx.HTTPError as exc:
            logger.warning("run %s: webhook attempt %d failed: %s", run_id, attempt, exc)
        else:
            if response.is_success:
                return True
            if not _retryable(response):
                logger.warning(
                    "run %s: webhook answered %d; not retried", run_id, response.status_code
                )
                return False
            logger.warning(
                "run %s: webhook attempt %d answered %d", run_id, attempt, response.status_code
            )
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    return False
