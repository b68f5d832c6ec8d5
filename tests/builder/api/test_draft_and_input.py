"""The HTTP side of test runs and input schemas: ``draft`` on a run, the input schema of
a spec graph whose fields are marked ``input``."""

from __future__ import annotations

import copy

import pytest

from builder import models as m
from builder.services.graphs import graph_version_publish
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_input_schema_is_the_fields_marked_input(acme, echo_graph, client_for):
    spec = copy.deepcopy(echo_graph.draft)
    spec["state"]["fields"][0]["input"] = True
    spec["state"]["fields"].append({"name": "reply", "type": "string"})
    m.Graph.objects.filter(pk=echo_graph.pk).update(draft=spec)
    schemas = client_for(acme["alice"]).get(f"/api/assistants/{echo_graph.pk}/schemas").json()
    assert list(schemas["input_schema"]["properties"]) == ["text"]
    assert list(schemas["state_schema"]["properties"]) == ["text", "reply"]


def test_a_run_over_http_can_test_the_draft(acme, echo_graph, client_for, builder_settings):
    graph_version_publish(graph=echo_graph, user=acme["alice"])
    spec = copy.deepcopy(echo_graph.draft)
    spec["nodes"][0]["config"]["set"][0]["template"] = "draft {{ state.text }}"
    m.Graph.objects.filter(pk=echo_graph.pk).update(draft=spec)
    client = client_for(acme["alice"])
    thread = client.post("/api/threads", {"graph_id": echo_graph.pk}, format="json").json()
    body = {"assistant_id": str(echo_graph.pk), "input": {"text": "x"}, "draft": True}
    # The sync executor runs it when the request's transaction commits.
    out = client.post(f"/api/threads/{thread['thread_id']}/runs", body, format="json")
    assert out.status_code == 200 and out.json()["kwargs"]["draft"] is True
    run = m.Run.objects.get(thread_id=thread["thread_id"])
    assert run.draft_spec == spec and run.metadata["draft"] is True
    assert m.Thread.objects.get(pk=thread["thread_id"]).values == {"text": "draft x"}

    bad = client.post(
        f"/api/threads/{thread['thread_id']}/runs", {**body, "draft": "maybe"}, format="json"
    )
    assert_error(bad, 400)
