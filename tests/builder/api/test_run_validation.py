"""Run options and state values are checked against the graph before a run or checkpoint
is created: a 400 naming the field (``/config/recursion_limit``, ``/input/ticket``,
``/interrupt_before/0``, ``/values/category``), never a run that fails with ``__error__``.
Spec graphs have typed state; code graphs without declared JSON types stay permissive."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.services.threads import thread_create
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db

TRIAGE_SPEC = {
    "spec_version": 1,
    "name": "Triage",
    "state": {
        "fields": [
            {"name": "ticket", "type": "string", "default": ""},
            {"name": "category", "type": "string"},
            {"name": "score", "type": "integer"},
            {"name": "tags", "type": "array", "reducer": "append"},
            {"name": "extra", "type": "object", "reducer": "merge"},
        ]
    },
    "nodes": [
        {
            "id": "classify",
            "kind": "transform",
            "config": {"set": [{"field": "category", "template": "{{ state.ticket }}"}]},
        }
    ],
    "edges": [
        {"id": "e1", "source": "__start__", "target": "classify"},
        {"id": "e2", "source": "classify", "target": "__end__"},
    ],
}


@pytest.fixture
def triage(acme, builder_settings):
    return m.Graph.objects.create(
        workspace=acme["workspace"], slug="triage", name="Triage", draft=TRIAGE_SPEC
    )


@pytest.fixture
def api(acme, client_for):
    client = client_for(acme["alice"])
    client.raise_request_exception = False
    return client


@pytest.fixture
def thread(api, triage):
    return api.post("/api/threads", {}, format="json").json()["thread_id"]


def _run_paths(thread: str) -> list[str]:
    return [
        f"/api/threads/{thread}/runs",
        f"/api/threads/{thread}/runs/wait",
        f"/api/threads/{thread}/runs/stream",
        "/api/runs",
        "/api/runs/wait",
        "/api/runs/stream",
    ]


def _refused(response, path: str) -> dict:
    error = assert_error(response, 400, "invalid")
    assert [f["path"] for f in error["fields"]] == [path], error
    return error["fields"][0]


BAD_OPTIONS = [
    ({"config": {"recursion_limit": "abc"}}, "/config/recursion_limit"),
    ({"config": {"recursion_limit": 0}}, "/config/recursion_limit"),
    ({"config": {"recursion_limit": True}}, "/config/recursion_limit"),
    ({"input": [1]}, "/input"),
    ({"input": "text"}, "/input"),
    ({"interrupt_before": ["nope"]}, "/interrupt_before/0"),
    ({"interrupt_after": ["classify", "nope"]}, "/interrupt_after/1"),
    ({"input": {"ticket": {"a": 1}}}, "/input/ticket"),
    ({"input": {"score": "ten"}}, "/input/score"),
    ({"input": {"score": 1.5}}, "/input/score"),
    ({"input": {"bogus": 1}}, "/input/bogus"),
    ({"input": {"extra": [1]}}, "/input/extra"),
]


@pytest.mark.parametrize("body, path", BAD_OPTIONS)
def test_bad_run_options_are_a_400_before_any_run_exists(api, thread, body, path):
    threads = m.Thread.objects.count()
    for url in _run_paths(thread):
        _refused(api.post(url, {"assistant_id": "triage", **body}, format="json"), path)
    assert not m.Run.objects.exists()
    assert m.Thread.objects.count() == threads  # stateless runs made no thread either


def test_an_unknown_interrupt_node_lists_the_graphs_nodes(api, thread):
    body = {"assistant_id": "triage", "interrupt_before": ["nope"]}
    response = api.post(f"/api/threads/{thread}/runs", body, format="json")
    field = _refused(response, "/interrupt_before/0")
    assert "'nope'" in field["message"] and "classify" in field["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"interrupt_before": "*"},
        {"interrupt_after": ["*"]},
        {"interrupt_before": ["classify"]},
        {"config": {"recursion_limit": 5}},
        {"input": {"ticket": "hi", "score": 3, "tags": "one", "extra": {"a": 1}}},
        {"input": {"tags": ["a", "b"], "category": None}},
    ],
)
def test_good_run_options_are_accepted(api, thread, body):
    # The run is created (and would be dispatched after commit).
    response = api.post(
        f"/api/threads/{thread}/runs",
        {"assistant_id": "triage", "input": {"ticket": "printer"}, **body},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert m.Run.objects.filter(pk=response.json()["run_id"]).exists()


def test_if_not_exists_create_checks_before_making_the_thread(api, triage):
    import uuid

    new = str(uuid.uuid4())
    body = {"assistant_id": "triage", "if_not_exists": "create", "input": [1]}
    _refused(api.post(f"/api/threads/{new}/runs", body, format="json"), "/input")
    assert not m.Thread.objects.filter(pk=new).exists()


@pytest.fixture
def ran(api, acme, triage):
    """A thread of the graph with a first state (written as its only node would)."""
    thread = str(thread_create(workspace=acme["workspace"], graph=triage, user=acme["alice"]).pk)
    body = {"values": {"ticket": "printer"}, "as_node": "classify"}
    response = api.post(f"/api/threads/{thread}/state", body, format="json")
    assert response.status_code == 200, response.content
    return thread


# The checkpointer writes from its own thread: these need committed rows.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "values, path",
    [
        ({"category": {"a": 1}}, "/values/category"),
        ({"score": "x"}, "/values/score"),
        ({"nope": 1}, "/values/nope"),
        ([{"ticket": 1}], "/values/0/ticket"),
        ("text", "/values"),
    ],
)
def test_state_updates_are_checked_against_the_state_schema(api, ran, values, path):
    thread = ran
    before = api.get(f"/api/threads/{thread}/state").json()
    _refused(api.post(f"/api/threads/{thread}/state", {"values": values}, format="json"), path)
    assert api.get(f"/api/threads/{thread}/state").json() == before


@pytest.mark.django_db(transaction=True)
def test_a_well_typed_state_update_is_accepted(api, ran):
    thread = ran
    body = {"values": {"category": "billing", "tags": "urgent"}}
    response = api.post(f"/api/threads/{thread}/state", body, format="json")
    assert response.status_code == 200, response.content
    values = api.get(f"/api/threads/{thread}/state").json()["values"]
    assert values["category"] == "billing" and values["tags"] == ["urgent"]


def test_code_graphs_without_json_types_stay_permissive(acme, api, settings):
    from pathlib import Path

    settings.BUILDER = {
        **settings.BUILDER,
        "GRAPHS_CONFIG": str(Path(__file__).parent / "graphs" / "graphs.json"),
        "RUN_EXECUTOR": "sync",
    }
    m.Graph.objects.create(
        workspace=acme["workspace"],
        slug="greeter",
        name="greeter",
        source=m.GraphSource.CODE,
        code_ref="greeter",
    )
    thread = api.post("/api/threads", {}, format="json").json()["thread_id"]
    body = {"assistant_id": "greeter", "interrupt_before": ["nope"]}
    field = _refused(
        api.post(f"/api/threads/{thread}/runs", body, format="json"), "/interrupt_before/0"
    )
    assert "'nope'" in field["message"]
    _refused(
        api.post(
            f"/api/threads/{thread}/runs", {"assistant_id": "greeter", "input": [1]}, format="json"
        ),
        "/input",
    )


@pytest.mark.parametrize("limit", ["abc", 0, -1, True, 2.5])
def test_an_assistants_config_needs_a_usable_recursion_limit(api, triage, limit):
    body = {"graph_id": "triage", "config": {"recursion_limit": limit}}
    _refused(api.post("/api/assistants", body, format="json"), "/config/recursion_limit")
    assistant = api.post("/api/assistants", {"graph_id": "triage"}, format="json").json()
    url = f"/api/assistants/{assistant['assistant_id']}"
    _refused(
        api.patch(url, {"config": {"recursion_limit": limit}}, format="json"),
        "/config/recursion_limit",
    )
    ok = api.patch(url, {"config": {"recursion_limit": 50}}, format="json")
    assert ok.status_code == 200, ok.content
