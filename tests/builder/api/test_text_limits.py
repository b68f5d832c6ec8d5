"""Free text and metadata have caps: a version note over 2,000 characters, a graph or
assistant description over 5,000, a name over 200, metadata over 64 KB of JSON are a 400
naming the field (a 200 KB note was accepted; a long assistant name failed in Postgres)."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.api.limits import MAX_DESCRIPTION, MAX_METADATA_BYTES, MAX_NAME, MAX_NOTE
from builder.services.threads import thread_create
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db

BIG_METADATA = {"blob": "x" * (MAX_METADATA_BYTES + 1)}


@pytest.fixture
def thread(acme, echo_graph):
    return thread_create(workspace=acme["workspace"], graph=echo_graph, user=acme["alice"])


def _refused(response, path: str) -> None:
    error = assert_error(response, 400, "invalid")
    assert [f["path"] for f in error["fields"]] == [path], error


def test_a_version_note_is_capped(acme, client_for, echo_graph):
    client = client_for(acme["alice"])
    url = f"/api/graphs/{echo_graph.pk}/versions/"
    _refused(client.post(url, {"note": "n" * 200_000}, format="json"), "/note")
    _refused(client.post(url, {"note": "n" * (MAX_NOTE + 1)}, format="json"), "/note")
    assert not m.GraphVersion.objects.filter(graph=echo_graph, number__gt=0).exists()
    ok = client.post(url, {"note": "n" * MAX_NOTE}, format="json")
    assert ok.status_code == 201, ok.content


def test_graph_names_and_descriptions_are_capped(acme, client_for, echo_graph, spec):
    client = client_for(acme["alice"])
    long_text = "d" * (MAX_DESCRIPTION + 1)
    _refused(
        client.post("/api/graphs/", {"name": "x", "description": long_text}, format="json"),
        "/description",
    )
    _refused(
        client.patch(f"/api/graphs/{echo_graph.pk}/", {"description": long_text}, format="json"),
        "/description",
    )
    _refused(
        client.patch(
            f"/api/graphs/{echo_graph.pk}/", {"name": "n" * (MAX_NAME + 1)}, format="json"
        ),
        "/name",
    )
    _refused(
        client.post(
            "/api/graphs/import/", {"spec": spec, "name": "n" * (MAX_NAME + 1)}, format="json"
        ),
        "/name",
    )
    _refused(
        client.post(
            "/api/graphs/import/", {"spec": spec, "note": "n" * (MAX_NOTE + 1)}, format="json"
        ),
        "/note",
    )


def test_assistant_names_and_descriptions_are_capped(acme, client_for, echo_graph):
    client = client_for(acme["alice"])
    body = {"graph_id": "echo", "name": "n" * (MAX_NAME + 1)}
    _refused(client.post("/api/assistants", body, format="json"), "/name")
    body = {"graph_id": "echo", "description": "d" * (MAX_DESCRIPTION + 1)}
    _refused(client.post("/api/assistants", body, format="json"), "/description")
    body = {"graph_id": "echo", "metadata": BIG_METADATA}
    _refused(client.post("/api/assistants", body, format="json"), "/metadata")


def test_thread_and_run_metadata_are_capped(acme, client_for, thread):
    client = client_for(acme["alice"])
    _refused(client.post("/api/threads", {"metadata": BIG_METADATA}, format="json"), "/metadata")
    _refused(
        client.patch(f"/api/threads/{thread.pk}", {"metadata": BIG_METADATA}, format="json"),
        "/metadata",
    )
    body = {"assistant_id": "echo", "input": {"text": "x"}, "metadata": BIG_METADATA}
    _refused(client.post(f"/api/threads/{thread.pk}/runs", body, format="json"), "/metadata")
    ok = client.post("/api/threads", {"metadata": {"note": "x" * 1000}}, format="json")
    assert ok.status_code == 200, ok.content
