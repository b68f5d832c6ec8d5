"""CORS on the API: the configured origin may call it with an API key; a preflight needs
no credentials; other origins get no CORS grant."""

from __future__ import annotations

import httpx
import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_preflight_needs_no_auth_and_allows_the_api_key_header(client_server, page_origin):
    response = httpx.options(
        client_server.api + "/threads/search",
        headers={
            "Origin": page_origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == page_origin
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "x-api-key" in allowed and "content-type" in allowed
    assert "POST" in response.headers["access-control-allow-methods"]


def test_the_allowed_origin_reads_answers_and_their_headers(client_server, page_origin, owner_key):
    response = httpx.post(
        client_server.api + "/threads",
        json={},
        headers={"Origin": page_origin, "X-Api-Key": owner_key},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == page_origin
    assert "location" in response.headers["access-control-expose-headers"].lower()


def test_other_origins_get_no_grant(client_server, owner_key):
    response = httpx.options(
        client_server.api + "/threads/search",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
    # Outside /api/ (the app's pages) there is no CORS at all.
    page = httpx.get(client_server.url + "/healthz", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in page.headers
