"""Input that no database can bind or store is refused with a 4xx in the one error shape,
naming the field, on SQLite and on PostgreSQL alike: integers beyond 64 bits where they
reach a query, NUL characters and unpaired surrogates anywhere in a body, unknown store
filter operators, forged pagination cursors. (The schemathesis run found the first of
these only now and then: a huge ``offset`` on /store/items/search was a 500 on SQLite.)"""

from __future__ import annotations

import base64
import json

import pytest

from builder import models as m
from builder.api.teams import MAX_SECONDS
from builder.api.views.base import MAX_OFFSET
from builder.services.threads import thread_create
from builder.store import DjangoStore
from tests.builder.conftest import SIMPLE_SPEC

pytestmark = pytest.mark.django_db

HUGE = 2**64
LONE_SURROGATE = "\ud800"


@pytest.fixture
def api(acme, client_for):
    client = client_for(acme["alice"])
    client.raise_request_exception = False
    return client


@pytest.fixture
def thread(acme):
    graph = m.Graph.objects.create(
        workspace=acme["workspace"], slug="echo", name="Echo", draft=SIMPLE_SPEC
    )
    return thread_create(workspace=acme["workspace"], graph=graph, user=acme["alice"])


def _post(api, path: str, body, method: str = "post"):
    return getattr(api, method)(path, data=json.dumps(body), content_type="application/json")


def _refused(response, path: str, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [f["path"] for f in error["fields"]] == [path], error
    return error


@pytest.mark.parametrize("offset", [2**63, HUGE, str(10**30)])
def test_store_search_refuses_an_offset_beyond_64_bits(api, acme, offset):
    DjangoStore(acme["workspace"]).put(("docs",), "a", {"n": 1})
    error = _refused(_post(api, "/api/store/items/search", {"offset": offset}), "/offset")
    assert str(MAX_OFFSET) in error["message"]
    # The largest offset the databases bind is still a valid (empty) page.
    found = _post(api, "/api/store/items/search", {"offset": MAX_OFFSET, "limit": 1000})
    assert found.status_code == 200 and found.json() == {"items": []}


@pytest.mark.parametrize(
    "path",
    [
        "/api/store/namespaces",
        "/api/threads/search",
        "/api/assistants/search",
        "/api/assistants/echo/versions",
    ],
)
def test_every_offset_is_bounded(api, thread, path):
    _refused(_post(api, path, {"offset": HUGE}), "/offset")


def test_run_list_offset_beyond_64_bits_in_the_query_string(api, thread):
    response = api.get(f"/api/threads/{thread.pk}/runs?offset={HUGE}")
    _refused(response, "/offset")


def test_store_search_refuses_an_unknown_filter_operator_with_or_without_items(api, acme):
    body = {"filter": {"status": {"$regex": ".*"}}}
    error = _refused(_post(api, "/api/store/items/search", body), "/filter/status")
    assert "$regex" in error["message"] and "$gte" in error["message"]
    DjangoStore(acme["workspace"]).put(("docs",), "a", {"status": "open"})
    _refused(_post(api, "/api/store/items/search", body), "/filter/status")
    # Known operators, equality on a dict value, and huge numbers still just match.
    for ok in (
        {"status": {"$ne": "closed"}},
        {"status": {"plain": "dict"}},
        {"status": HUGE},
        {"n": {"$gt": HUGE}},
    ):
        assert _post(api, "/api/store/items/search", {"filter": ok}).status_code == 200


@pytest.mark.parametrize("bad", ["\x00", LONE_SURROGATE, f"ok{LONE_SURROGATE}ok"])
def test_strings_no_database_stores_are_refused_where_they_are(api, thread, bad):
    cases = [
        ("post", "/api/threads", {"metadata": {"owner": bad}}, "/metadata/owner"),
        ("patch", f"/api/threads/{thread.pk}", {"metadata": {"a": [1, bad]}}, "/metadata/a/1"),
        ("post", "/api/threads/search", {"metadata": {"owner": bad}}, "/metadata/owner"),
        ("post", "/api/assistants/search", {"metadata": {"x": bad}}, "/metadata/x"),
        ("post", "/api/assistants", {"graph_id": "echo", "name": bad}, "/name"),
        ("post", f"/api/threads/{thread.pk}/runs", {"input": {"text": bad}}, "/input/text"),
        ("post", f"/api/threads/{thread.pk}/history", {"before": bad}, "/before"),
        ("post", "/api/store/items/search", {"query": bad}, "/query"),
        (
            "put",
            "/api/store/items",
            {"namespace": ["docs"], "key": "k", "value": {"v": {"w": bad}}},
            "/value/v/w",
        ),
    ]
    for method, path, body, pointer in cases:
        error = _refused(_post(api, path, body, method), pointer)
        assert "not allowed" in error["message"]
    assert not m.Run.objects.filter(thread=thread).exists()
    thread.refresh_from_db()
    assert thread.metadata == {}


def test_a_bad_member_name_is_reported_at_its_object(api):
    response = _post(api, "/api/threads", {"metadata": {"a": {LONE_SURROGATE: 1}}})
    error = _refused(response, "/metadata/a")
    assert "member name" in error["message"]
    json.dumps(response.json(), ensure_ascii=False).encode()  # the answer itself encodes


def test_nul_in_a_query_parameter_names_the_parameter(api, thread):
    response = api.get(f"/api/threads/{thread.pk}/runs?status=%00")
    _refused(response, "/status")


def test_int_beyond_64_bits_in_json_values_is_kept_exactly(api, thread):
    """JSON numbers inside documents are not bound as SQL integers: they round-trip."""
    created = _post(api, "/api/threads", {"metadata": {"big": HUGE}})
    assert created.status_code == 200, created.content
    assert created.json()["metadata"]["big"] == HUGE
    found = _post(api, "/api/threads/search", {"metadata": {"big": HUGE}})
    assert [t["thread_id"] for t in found.json()] == [created.json()["thread_id"]]
    stored = _post(
        api, "/api/store/items", {"namespace": ["n"], "key": "k", "value": {"v": HUGE}}, "put"
    )
    assert stored.status_code == 204
    got = api.get("/api/store/items?namespace=n&key=k").json()
    assert got["value"] == {"v": HUGE}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/workspaces/acme/invitations/", "expires_in"),
        ("thread:/share-links/", "expires_in"),
    ],
)
def test_expiry_beyond_the_longest_allowed_is_refused_not_overflowed(api, thread, path, field):
    if path.startswith("thread:"):
        path = f"/api/threads/{thread.pk}" + path.removeprefix("thread:")
    error = _refused(_post(api, path, {field: HUGE}), f"/{field}")
    assert str(MAX_SECONDS) in error["message"]
    # Representable but longer than allowed: the service's own refusal.
    too_long = _post(api, path, {field: 10**12})
    assert too_long.status_code == 422 and "expires after" in too_long.json()["error"]["message"]


def _cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.mark.parametrize(
    ("path", "positions"),
    [
        ("/api/keys/", ["not-a-number", "\x00"]),  # ordered by id
        ("/api/graphs/", ["2021-13-45", "\x00"]),  # by created_at
        ("/api/workspaces/", ["\x00"]),  # by slug: any other text is a position
        ("/api/graphs/echo/versions/", ["x", "\x00"]),  # by number
        ("thread:/audit/", ["yesterday", "\x00"]),
    ],
)
def test_a_forged_cursor_position_is_an_invalid_cursor(api, thread, path, positions):
    if path.startswith("thread:"):
        path = f"/api/threads/{thread.pk}" + path.removeprefix("thread:")
    for position in positions:
        response = api.get(f"{path}?cursor={_cursor(position)}")
        assert response.status_code == 404, (position, response.content)
        assert response.json()["error"] == {
            "code": "not_found",
            "message": "Invalid cursor",
            "fields": [],
        }
    assert api.get(path).status_code == 200
