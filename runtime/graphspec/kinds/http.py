"""``http``: one HTTP request with templated URL, headers and body.

Against SSRF the server decides which hosts may be called (``Registry.http_allowed_hosts``,
empty by default, so nothing is reachable until an operator opts in); a spec cannot widen
it. Redirects are not followed, since they could lead off the allow-list.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from runtime.graphspec.kinds.base import (
    BuildContext,
    CheckContext,
    NodeFunction,
    NodeKind,
    field_prop,
)

MAX_BODY = 1_000_000

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "HTTP request",
    "required": ["url"],
    "additionalProperties": False,
    "properties": {
        "method": {
            "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"],
            "default": "GET",
        },
        "url": {"type": "string", "minLength": 1, "description": "URL template."},
        "headers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Header name -> value template.",
        },
        "body": {"type": "string", "description": "Body template (sent as text)."},
        "json_body": {
            "type": "boolean",
            "default": False,
            "description": "Parse the rendered body as JSON and send it as application/json.",
        },
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 120, "default": 10},
        "retries": {"type": "integer", "minimum": 0, "maximum": 5, "default": 0},
        "fail_on_error": {
            "type": "boolean",
            "default": True,
            "description": "Fail the node on a 4xx/5xx status instead of recording it.",
        },
        "output_field": field_prop("Field that receives {status, headers, body}.", "response"),
    },
}


class HttpNodeError(RuntimeError):
    """A request that was refused or failed."""


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Exact host names, or ``*.example.com`` for its subdomains."""
    host = host.lower().rstrip(".")
    for pattern in allowed:
        pattern = pattern.lower().rstrip(".")
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


def check(config: Mapping[str, Any], ctx: CheckContext) -> None:
    ctx.template(config.get("url"), "url")
    for name, value in (config.get("headers") or {}).items():
        ctx.template(value, "headers", name)
    if "body" in config:
        ctx.template(config["body"], "body")
    ctx.field(config.get("output_field", "response"), "output_field", what="Output field")
    url = config.get("url")
    if isinstance(url, str) and "{" not in url:
        try:
            host = httpx.URL(url).host
        except Exception:
            ctx.error(f"'{url}' is not a valid URL.", "url", code="bad_url")
            return
        if not host_allowed(host, ctx.registry.http_allowed_hosts):
            ctx.warning(
                f"The server does not allow requests to '{host}'; ask an operator to add it "
                "to the HTTP allow-list.",
                "url",
                code="host_not_allowed",
            )


def _decode(response: httpx.Response) -> Any:
    text = response.text[:MAX_BODY]
    if "json" in response.headers.get("content-type", ""):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def build(config: Mapping[str, Any], ctx: BuildContext) -> NodeFunction:
    method = config.get("method", "GET")
    timeout = float(config.get("timeout", 10))
    retries = int(config.get("retries", 0))
    output = config.get("output_field", "response")
    fail_on_error = bool(config.get("fail_on_error", True))

    def http(state: dict[str, Any]) -> dict[str, Any]:
        url = httpx.URL(ctx.render(config["url"], state).strip())
        if url.scheme not in ("http", "https"):
            raise HttpNodeError(f"only http and https URLs are allowed, not {url.scheme!r}")
        if not host_allowed(url.host, ctx.registry.http_allowed_hosts):
            raise HttpNodeError(
                f"requests to {url.host!r} are not allowed by the server's HTTP allow-list"
            )
        headers = {k: ctx.render(v, state) for k, v in (config.get("headers") or {}).items()}
        request: dict[str, Any] = {"headers": headers}
        if "body" in config:
            body = ctx.render(config["body"], state)
            if config.get("json_body"):
                request["json"] = json.loads(body)
            else:
                request["content"] = body
        response = _send(method, url, request, timeout, retries)
        if fail_on_error and response.status_code >= 400:
            raise HttpNodeError(f"{method} {url} answered {response.status_code}")
        return {
            output: {
                "status": response.status_code,
                "headers": dict(response.headers),
                "body": _decode(response),
            }
        }

    return http


def _send(
    method: str, url: httpx.URL, request: dict[str, Any], timeout: float, retries: int
) -> httpx.Response:
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for attempt in range(retries + 1):
            try:
                response = client.request(method, url, **request)
            except httpx.TransportError as exc:
                if attempt == retries:
                    raise HttpNodeError(f"{method} {url} failed: {exc}") from exc
            else:
                # Retry only what is likely transient: server errors and rate limits.
                if response.status_code < 500 and response.status_code != 429:
                    return response
                if attempt == retries:
                    return response
            time.sleep(min(0.2 * 2**attempt, 5.0))
    raise AssertionError("unreachable")


KIND = NodeKind(
    kind="http",
    title="HTTP request",
    description="Calls an HTTP endpoint on the server's allow-list and stores the response.",
    config_schema=CONFIG_SCHEMA,
    build=build,
    check=check,
    inputs=("state fields named in the templates",),
    outputs=("output_field: {status, headers, body}",),
    ui_schema={"body": {"ui:widget": "textarea"}},
)
