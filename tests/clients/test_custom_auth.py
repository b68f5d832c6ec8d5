"""langgraph.json's auth handler (tests/clients/graphs/auth.py) authenticates API
requests that carry neither a session nor an API key; its identity is a user's name."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk import get_sync_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_bearer_token_the_handler_knows_acts_as_its_user(client_server, owner_key):
    client = get_sync_client(url=client_server.api, headers={"Authorization": "Bearer token-of-js"})
    thread = client.threads.create(metadata={"via": "bearer"})
    result = client.runs.wait(thread["thread_id"], "chat", input={"messages": "hello"})
    assert result["messages"][-1]["content"] == "You said: hello"
    # The same thread through the API key of the same user: one identity.
    keyed = get_sync_client(url=client_server.api, api_key=owner_key)
    assert keyed.threads.get(thread["thread_id"])["metadata"]["via"] == "bearer"


def test_the_handler_s_refusal_is_a_401_with_its_detail(client_server, owner_key):
    response = httpx.get(client_server.api + "/info", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert "unknown bearer token" in response.text
    # API keys and sessions do not go through the handler.
    keyed = httpx.post(
        client_server.api + "/threads/search", json={}, headers={"X-Api-Key": owner_key}
    )
    assert keyed.status_code == 200
