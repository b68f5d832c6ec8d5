"""Assistant versions as LangGraph Server keeps them: every update is a new immutable
version; ``/latest`` chooses the active one; GET and runs use the active one."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.services import api_assistants
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def assistant(acme, echo_graph, client_for):
    client = client_for(acme["alice"])
    body = client.post(
        "/api/assistants",
        {"graph_id": "echo", "name": "first", "config": {"tags": ["a"]}, "metadata": {"k": 1}},
        format="json",
    ).json()
    return body["assistant_id"]


def _update(client, assistant_id, **body):
    response = client.patch(f"/api/assistants/{assistant_id}", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_update_adds_a_version_newest_first(acme, assistant, client_for):
    client = client_for(acme["alice"])
    assert _update(client, assistant, name="second", config={"tags": ["b"]})["version"] == 2
    assert _update(client, assistant, metadata={"stage": "prod"})["version"] == 3
    versions = client.post(f"/api/assistants/{assistant}/versions", {}, format="json").json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["name"] for v in versions] == ["second", "second", "first"]
    assert versions[2]["config"] == {"tags": ["a"]} and versions[1]["config"] == {"tags": ["b"]}
    # Metadata merges on update, and each version keeps its own.
    assert versions[0]["metadata"] == {"k": 1, "stage": "prod"}
    assert versions[2]["metadata"] == {"k": 1}
    assert set(versions[0]) == {
        "assistant_id",
        "graph_id",
        "config",
        "context",
        "metadata",
        "version",
        "name",
        "description",
        "created_at",
    }


def test_versions_search_limit_offset_and_metadata(acme, assistant, client_for):
    client = client_for(acme["alice"])
    for i in range(4):
        _update(client, assistant, metadata={"round": i % 2})
    url = f"/api/assistants/{assistant}/versions"
    page = client.post(url, {"limit": 2, "offset": 1}, format="json").json()
    assert [v["version"] for v in page] == [4, 3]
    odd = client.post(url, {"metadata": {"round": 1}}, format="json").json()
    assert [v["version"] for v in odd] == [5, 3]
    assert client.post(url, {"metadata": {"nope": 1}}, format="json").json() == []


def test_set_latest_makes_an_old_version_active_for_get_and_runs(acme, assistant, client_for):
    client = client_for(acme["alice"])
    _update(client, assistant, name="second", config={"tags": ["b"]})
    active = client.post(f"/api/assistants/{assistant}/latest", {"version": 1}, format="json")
    assert active.status_code == 200, active.content
    assert active.json()["version"] == 1 and active.json()["name"] == "first"
    got = client.get(f"/api/assistants/{assistant}").json()
    assert got["version"] == 1 and got["config"] == {"tags": ["a"]}
    assert m.Assistant.objects.get(pk=assistant).config == {"tags": ["a"]}
    # The next update is a new number, made from the active version.
    after = _update(client, assistant, description="from v1")
    assert after["version"] == 3 and after["name"] == "first"
    versions = client.post(f"/api/assistants/{assistant}/versions", {}, format="json").json()
    assert [v["version"] for v in versions] == [3, 2, 1]


def test_versions_are_immutable_rows(acme, assistant):
    version = m.AssistantVersion.objects.get(assistant_id=assistant, version=1)
    version.name = "changed"
    with pytest.raises(m.ImmutableVersionError):
        version.save()


def test_set_latest_errors(acme, assistant, client_for, other_graph):
    client = client_for(acme["alice"])
    url = f"/api/assistants/{assistant}/latest"
    error = assert_error(client.post(url, {"version": 9}, format="json"), 404, "not_found")
    assert "version 9" in error["message"]
    error = assert_error(client.post(url, {"version": "x"}, format="json"), 400)
    assert error["fields"][0]["path"] == "/version"
    assert_error(client.post(url, {}, format="json"), 400)
    # A viewer may list versions but not choose one.
    viewer = client_for(acme["victor"])
    assert (
        viewer.post(f"/api/assistants/{assistant}/versions", {}, format="json").status_code == 200
    )
    assert_error(viewer.post(url, {"version": 1}, format="json"), 403)
    # Another workspace's assistant does not exist for this caller.
    mallory = client_for(acme["mallory"])
    assert_error(mallory.post(url, {"version": 1}, format="json"), 404)
    assert_error(mallory.post(f"/api/assistants/{assistant}/versions", {}, format="json"), 404)


def test_versions_bad_input(acme, assistant, client_for):
    client = client_for(acme["alice"])
    url = f"/api/assistants/{assistant}/versions"
    error = assert_error(client.post(url, {"limit": 0}, format="json"), 400)
    assert error["fields"][0]["path"] == "/limit"
    error = assert_error(client.post(url, {"metadata": [1]}, format="json"), 400)
    assert error["fields"][0]["path"] == "/metadata"


def test_assistants_without_versions_get_one_on_first_use(acme, echo_graph, client_for):
    # As seed_demo and assistants made before versions existed.
    bare = m.Assistant.objects.create(
        workspace=acme["workspace"], graph=echo_graph, name="bare", version=4
    )
    client = client_for(acme["alice"])
    versions = client.post(f"/api/assistants/{bare.pk}/versions", {}, format="json").json()
    assert [v["version"] for v in versions] == [4]
    assert _update(client, str(bare.pk), name="next")["version"] == 5


def test_default_assistants_start_at_version_one(acme, echo_graph):
    default = api_assistants.assistant_default(graph=echo_graph)
    assert list(default.versions.values_list("version", flat=True)) == [1]
