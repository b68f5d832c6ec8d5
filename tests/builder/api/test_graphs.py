"""Builder REST: graphs, drafts with optimistic concurrency, versions, diff, export/import,
validation, node kinds, workspaces and members, role rules."""

from __future__ import annotations

import copy

import pytest

from builder import models as m
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_me_and_node_kinds(acme, client_for):
    client = client_for(acme["erin"])
    assert client.get("/api/me/").json()["workspaces"][0]["role"] == "editor"
    kinds = {k["kind"] for k in client.get("/api/node-kinds/").json()}
    assert {"llm", "human", "transform", "router"} <= kinds


def test_create_list_and_read_graphs(acme, client_for, spec):
    client = client_for(acme["erin"])
    created = client.post("/api/graphs/", {"name": "My Echo", "spec": spec}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["slug"] == "my-echo" and body["workspace"] == "acme"
    assert body["draft_revision"] == 1 and body["spec"] == spec
    # Every graph gets its default assistant.
    assert m.Assistant.objects.filter(graph_id=body["id"], metadata__created_by="system").exists()
    page = client.get("/api/graphs/?workspace=acme&page_size=1").json()
    assert [g["slug"] for g in page["results"]] == ["my-echo"]
    assert client.get(f"/api/graphs/{body['id']}/").json()["spec"] == spec


def test_cursor_pagination(acme, client_for):
    client = client_for(acme["erin"])
    for i in range(3):
        client.post("/api/graphs/", {"name": f"g{i}"}, format="json")
    first = client.get("/api/graphs/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert [g["slug"] for g in second["results"]] == ["g2"]


def test_viewers_read_but_do_not_write(acme, client_for, echo_graph, spec):
    client = client_for(acme["victor"])
    assert client.get(f"/api/graphs/{echo_graph.pk}/").status_code == 200
    assert_error(
        client.patch(
            f"/api/graphs/{echo_graph.pk}/", {"spec": spec, "draft_revision": 1}, format="json"
        ),
        403,
        "permission_denied",
    )
    assert_error(client.post("/api/graphs/", {"name": "x"}, format="json"), 403)
    assert_error(client_for(acme["rita"]).delete(f"/api/graphs/{echo_graph.pk}/"), 403)


def test_stale_draft_save_is_a_409_with_the_current_draft(acme, client_for, echo_graph, spec):
    erin, alice = client_for(acme["erin"]), client_for(acme["alice"])
    first = copy.deepcopy(spec) | {"name": "first"}
    ok = alice.patch(
        f"/api/graphs/{echo_graph.pk}/", {"spec": first, "draft_revision": 1}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["draft_revision"] == 2
    stale = erin.patch(
        f"/api/graphs/{echo_graph.pk}/",
        {"spec": spec | {"name": "second"}, "draft_revision": 1},
        format="json",
    )
    error = assert_error(stale, 409, "draft_conflict")
    assert error["current"]["draft_revision"] == 2
    assert error["current"]["draft"]["name"] == "first"
    assert error["current"]["updated_by"] == "alice"
    assert error["current"]["updated_at"]
    assert m.Graph.objects.get(pk=echo_graph.pk).draft["name"] == "first"


def test_spec_without_revision_is_refused(acme, client_for, echo_graph, spec):
    error = assert_error(
        client_for(acme["alice"]).patch(
            f"/api/graphs/{echo_graph.pk}/", {"spec": spec}, format="json"
        ),
        400,
        "invalid",
    )
    assert error["fields"][0]["path"] == "/draft_revision"


def test_validate_reports_problems_with_pointers(acme, client_for, echo_graph, spec):
    client = client_for(acme["victor"])
    broken = copy.deepcopy(spec)
    broken["edges"].append({"id": "e3", "source": "echo", "target": "nowhere"})
    body = client.post(
        f"/api/graphs/{echo_graph.pk}/validate/", {"spec": broken}, format="json"
    ).json()
    assert body["valid"] is False
    assert any(p["pointer"].startswith("/edges/2") for p in body["problems"])
    assert set(body["problems"][0]) == {"pointer", "message", "severity", "code"}
    assert client.post("/api/validate/", {"spec": spec}, format="json").json()["valid"]
    assert client.post(f"/api/graphs/{echo_graph.pk}/validate/", {}, format="json").json()["valid"]


def test_versions_publish_list_read_and_diff(acme, client_for, echo_graph, spec):
    client = client_for(acme["erin"])
    v1 = client.post(f"/api/graphs/{echo_graph.pk}/versions/", {"note": "one"}, format="json")
    assert v1.status_code == 201 and v1.json()["number"] == 1
    changed = copy.deepcopy(spec)
    changed["nodes"].append(
        {"id": "shout", "kind": "transform", "config": {"set": [{"field": "text", "value": "!"}]}}
    )
    changed["edges"] = [
        {"id": "e1", "source": "__start__", "target": "echo"},
        {"id": "e2", "source": "echo", "target": "shout"},
        {"id": "e3", "source": "shout", "target": "__end__"},
    ]
    changed["state"]["fields"].append({"name": "extra", "type": "number", "default": 0})
    client.patch(
        f"/api/graphs/{echo_graph.pk}/", {"spec": changed, "draft_revision": 1}, format="json"
    )
    assert (
        client.post(f"/api/graphs/{echo_graph.pk}/versions/", {}, format="json").json()["number"]
        == 2
    )
    listed = client.get(f"/api/graphs/{echo_graph.pk}/versions/").json()["results"]
    assert [v["number"] for v in listed] == [2, 1]
    assert client.get(f"/api/graphs/{echo_graph.pk}/versions/1/").json()["spec"] == spec
    assert_error(client.get(f"/api/graphs/{echo_graph.pk}/versions/9/"), 404)
    diff = client.get(f"/api/graphs/{echo_graph.pk}/diff/?from=1&to=2").json()["diff"]
    assert [n["id"] for n in diff["nodes"]["added"]] == ["shout"]
    assert [e["id"] for e in diff["edges"]["added"]] == ["e3"]
    assert [e["id"] for e in diff["edges"]["changed"]] == ["e2"]
    assert [f["name"] for f in diff["state_fields"]["added"]] == ["extra"]
    assert diff["nodes"]["removed"] == []
    assert client.get(f"/api/graphs/{echo_graph.pk}/diff/?from=2&to=draft").json()["diff"][
        "identical"
    ]
    assert_error(client.get(f"/api/graphs/{echo_graph.pk}/diff/?from=1"), 400)


def test_publishing_an_invalid_draft_is_refused(acme, client_for, echo_graph):
    client = client_for(acme["erin"])
    client.patch(
        f"/api/graphs/{echo_graph.pk}/",
        {"spec": {"spec_version": 1, "nodes": [{"id": "x"}]}, "draft_revision": 1},
        format="json",
    )
    assert_error(client.post(f"/api/graphs/{echo_graph.pk}/versions/", {}, format="json"), 422)


def test_export_import_round_trip_and_mermaid(acme, client_for, echo_graph, spec):
    client = client_for(acme["erin"])
    exported = client.get(f"/api/graphs/{echo_graph.pk}/export/").json()
    assert exported["format"] == "switchyard.graph" and exported["spec"] == spec
    exported["slug"] = "echo-copy"
    imported = client.post("/api/graphs/import/", exported | {"publish": True}, format="json")
    assert imported.status_code == 201, imported.content
    copy_ = m.Graph.objects.get(slug="echo-copy")
    assert copy_.draft == spec and copy_.versions.count() == 1
    mermaid = client.get(f"/api/graphs/{echo_graph.pk}/mermaid/").json()["mermaid"]
    assert mermaid.startswith("flowchart")
    assert_error(
        client.post("/api/graphs/import/", {"spec": spec, "format": "zip"}, format="json"), 422
    )


def test_delete_graph(acme, client_for, echo_graph):
    client = client_for(acme["erin"])
    assert client.delete(f"/api/graphs/{echo_graph.pk}/").status_code == 204
    assert_error(client.get(f"/api/graphs/{echo_graph.pk}/"), 404)


def test_workspaces_and_members(acme, client_for, django_user_model):
    alice = client_for(acme["alice"])
    assert alice.get("/api/workspaces/").json()["results"] == [
        {
            "slug": "acme",
            "name": "Acme",
            "role": "owner",
            "created_at": alice.get("/api/workspaces/").json()["results"][0]["created_at"],
        }
    ]
    members = alice.get("/api/workspaces/acme/members/").json()["results"]
    assert {mm["username"]: mm["role"] for mm in members}["rita"] == "reviewer"
    django_user_model.objects.create_user("newbie", password="pw")
    added = alice.post(
        "/api/workspaces/acme/members/", {"username": "newbie", "role": "viewer"}, format="json"
    )
    assert added.status_code == 201 and added.json()["role"] == "viewer"
    changed = alice.patch("/api/workspaces/acme/members/newbie/", {"role": "editor"}, format="json")
    assert changed.json()["role"] == "editor"
    assert alice.delete("/api/workspaces/acme/members/newbie/").status_code == 204
    assert_error(alice.delete("/api/workspaces/acme/members/newbie/"), 404)
    assert_error(alice.delete("/api/workspaces/acme/members/alice/"), 422)
    assert_error(
        alice.post(
            "/api/workspaces/acme/members/", {"username": "x", "role": "god"}, format="json"
        ),
        400,
    )
    # Only owners manage members.
    assert_error(client_for(acme["erin"]).get("/api/workspaces/acme/members/"), 403)
    assert_error(
        client_for(acme["erin"]).post(
            "/api/workspaces/acme/members/", {"username": "rita", "role": "owner"}, format="json"
        ),
        403,
    )


def test_code_graphs_are_listed_without_an_assistants_call(acme, client_for, builder_settings):
    client = client_for(acme["victor"])
    listed = client.get("/api/graphs/?workspace=acme").json()["results"]
    code = {g["code_ref"]: g for g in listed if g["source"] == "code"}
    assert set(code) == {"counter", "slow", "paced", "failing", "killable"}
    detail = client.get(f"/api/graphs/{code['counter']['id']}/").json()
    assert detail["source"] == "code"
    assert m.Assistant.objects.filter(graph_id=detail["id"], metadata__created_by="system").exists()
    # Listing again creates nothing new.
    assert len(client.get("/api/graphs/?workspace=acme").json()["results"]) == len(listed)


def test_a_code_graph_reads_as_a_picture_for_the_read_only_canvas(acme, client_for, settings):
    from runtime.examples import GRAPHS_CONFIG

    settings.BUILDER = {**settings.BUILDER, "GRAPHS_CONFIG": str(GRAPHS_CONFIG)}
    client = client_for(acme["erin"])
    listed = client.get("/api/graphs/?workspace=acme").json()["results"]
    triage = next(g for g in listed if g["source"] == "code" and g["code_ref"] == "support_triage")
    spec = client.get(f"/api/graphs/{triage['id']}/").json()["spec"]
    labels = {n["id"]: (n["kind"], n["label"]) for n in spec["nodes"]}
    assert labels["review"] == ("human", "Approve reply")
    assert {"source": "__start__", "target": "classify"} in [
        {k: e[k] for k in ("source", "target")} for e in spec["edges"]
    ]
    assert not [e for e in spec["edges"] if e["source"] == "classify"]
    (route,) = [r for r in spec["routes"] if r["source"] == "classify"]
    assert route["branches"] and all(b["label"] for b in route["branches"])
    answer = client.post(f"/api/graphs/{triage['id']}/validate/", {"spec": spec}, format="json")
    assert answer.json() == {"valid": True, "problems": []}  # a picture, nothing to fix


def _code_spec(client_for, acme, settings, code_ref):
    from runtime.examples import GRAPHS_CONFIG

    settings.BUILDER = {**settings.BUILDER, "GRAPHS_CONFIG": str(GRAPHS_CONFIG)}
    client = client_for(acme["erin"])
    listed = client.get("/api/graphs/?workspace=acme").json()["results"]
    graph = next(g for g in listed if g["source"] == "code" and g["code_ref"] == code_ref)
    return client.get(f"/api/graphs/{graph['id']}/").json()["spec"]


def test_a_code_graph_shows_its_loop_and_labelled_conditional_edges(acme, client_for, settings):
    """research_agent as the engine runs it: agent routes to tools ("call tools") or to
    the end ("default"), and tools loops back to agent."""
    spec = _code_spec(client_for, acme, settings, "research_agent")
    pairs = [(e["source"], e["target"]) for e in spec["edges"]]
    assert pairs == [("__start__", "agent"), ("tools", "agent")]
    assert [(r["source"], r["branches"]) for r in spec["routes"]] == [
        (
            "agent",
            [
                {"label": "default", "when": "default", "target": "__end__"},
                {"label": "call tools", "when": "call tools", "target": "tools"},
            ],
        )
    ]
    assert spec["state"]["fields"] == [
        {"name": "messages", "type": "messages", "reducer": "messages"}
    ]


def test_a_code_graph_shows_its_state_schema(acme, client_for, settings):
    """joke's TypedDict state: the State tab lists its fields with types and reducers, and
    the run form (no input schema of its own) asks for all of them."""
    spec = _code_spec(client_for, acme, settings, "joke")
    assert spec["state"]["fields"] == [
        {"name": "topic", "type": "string"},
        {"name": "drafts", "type": "array", "reducer": "append"},
        {"name": "joke", "type": "string"},
    ]
    assert spec["routes"] == []
