"""Request bodies too large or nested too deeply are a 4xx in the one error shape on
every kind of API endpoint (builder resources, LangGraph-compatible, SSE, review), never
a 500 from Django's size check or Python's recursion limit."""

from __future__ import annotations

import json

import pytest

from builder.api.parsers import MAX_JSON_DEPTH
from builder.services.threads import thread_create
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(acme, client_for):
    client = client_for(acme["alice"])
    client.raise_request_exception = False
    return client


@pytest.fixture
def thread(acme, echo_graph):
    return thread_create(workspace=acme["workspace"], graph=echo_graph, user=acme["alice"])


def _paths(thread) -> list[str]:
    t = thread.pk
    return [
        "/api/validate/",
        "/api/graphs/",
        "/api/threads",
        f"/api/threads/{t}/runs/stream",
        f"/api/threads/{t}/runs/wait",
        f"/api/threads/{t}/review/",
        f"/api/threads/{t}/share-links/",
    ]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_body_over_the_upload_limit_is_a_413(api, thread, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "a" * 20_000})
    for path in _paths(thread):
        response = api.post(path, data=body, content_type="application/json")
        error = assert_error(response, 413, "too_large")
        assert "10000" in error["message"], path


def test_a_3_mb_body_to_validate_is_a_413(api):
    body = json.dumps({"spec": {"name": "a" * 3_000_000}})
    assert_error(api.post("/api/validate/", data=body, content_type="application/json"), 413)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2000, 100_000])
def test_json_nested_too_deeply_is_a_400(api, thread, depth):
    for path in _paths(thread):
        response = api.post(path, data=_nested(depth), content_type="application/json")
        error = assert_error(response, 400, "parse_error")
        assert "nested deeper" in error["message"], path


def test_json_at_the_depth_limit_is_parsed(api):
    body = {"spec": json.loads(_nested(MAX_JSON_DEPTH - 1))}
    response = api.post("/api/validate/", data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, response.content


def test_a_nul_character_names_its_field(api):
    error = assert_error(api.post("/api/graphs/", {"name": "a\x00b"}, format="json"), 400)
    assert [f["path"] for f in error["fields"]] == ["/name"]
