"""Code-defined graphs are read-only through the API (409 ``read_only``), and a spec
graph's name and its draft's ``spec.name`` stay one value whichever way it is edited."""

from __future__ import annotations

import pytest

from builder import models as m
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_graph(acme):
    return m.Graph.objects.create(
        workspace=acme["workspace"],
        slug="counter",
        name="counter",
        source=m.GraphSource.CODE,
        code_ref="counter",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Renamed"},
        {"description": "new"},
        {"spec": {"spec_version": 1, "nodes": []}, "draft_revision": 1},
        {},
    ],
)
def test_code_graphs_refuse_edits(acme, client_for, code_graph, body):
    client = client_for(acme["erin"])
    error = assert_error(
        client.patch(f"/api/graphs/{code_graph.pk}/", body, format="json"), 409, "read_only"
    )
    assert "read-only" in error["message"]
    code_graph.refresh_from_db()
    assert code_graph.name == "counter" and code_graph.description == ""


def test_code_graphs_cannot_be_published(acme, client_for, code_graph):
    client = client_for(acme["erin"])
    response = client.post(f"/api/graphs/{code_graph.pk}/versions/", {}, format="json")
    assert_error(response, 409, "read_only")


def test_renaming_a_spec_graph_renames_its_draft(acme, client_for, echo_graph):
    client = client_for(acme["erin"])
    response = client.patch(f"/api/graphs/{echo_graph.pk}/", {"name": "Parrot"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Parrot" and body["spec"]["name"] == "Parrot"
    assert body["draft_revision"] == 2  # the draft changed: editors holding 1 get a 409
    echo_graph.refresh_from_db()
    assert echo_graph.name == echo_graph.draft["name"] == "Parrot"


def test_saving_a_spec_renames_the_graph(acme, client_for, echo_graph, spec):
    client = client_for(acme["erin"])
    body = {"spec": {**spec, "name": "From the canvas"}, "draft_revision": 1}
    response = client.patch(f"/api/graphs/{echo_graph.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "From the canvas"
    # Both given: the explicit name wins and is written into the spec.
    body = {"spec": spec, "draft_revision": 2, "name": "Explicit"}
    answer = client.patch(f"/api/graphs/{echo_graph.pk}/", body, format="json").json()
    assert answer["name"] == answer["spec"]["name"] == "Explicit"


def test_a_description_only_edit_keeps_the_revision(acme, client_for, echo_graph):
    client = client_for(acme["erin"])
    body = {"description": "says it back"}
    answer = client.patch(f"/api/graphs/{echo_graph.pk}/", body, format="json").json()
    assert answer["description"] == "says it back" and answer["draft_revision"] == 1
