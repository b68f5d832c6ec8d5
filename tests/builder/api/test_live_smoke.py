"""Smoke test of the live server (LangGraph SDK, sync client)."""

from __future__ import annotations

import pytest
from langgraph_sdk import get_sync_client

from builder import models as m
from builder.services.apikeys import apikey_create
from tests.builder.api.live import live_api  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_stream_a_code_graph(live_api, django_user_model):  # noqa: F811
    user = django_user_model.objects.create_user("sdk", password="pw")
    ws = m.Workspace.objects.create(slug="sdk", name="SDK")
    m.Membership.objects.create(user=user, workspace=ws, role="owner")
    _, key = apikey_create(user=user)
    client = get_sync_client(url=live_api.api, api_key=key)
    thread = client.threads.create()
    parts = list(
        client.runs.stream(
            thread["thread_id"], "ticker", input={"count": 0, "limit": 3}, stream_mode="values"
        )
    )
    print(parts, live_api.output())
    assert parts[0].event == "metadata"
    assert parts[-1].event == "values" or parts[-1].event == "end"
