"""GET /api/workspaces/{slug}/threads/: the browser's thread list, its filters and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from builder import models as m
from builder.services.threads import thread_create
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/workspaces/acme/threads/"


def _age(thread, days: int) -> None:
    """Move a thread's creation and last activity ``days`` into the past."""
    moment = timezone.now() - timedelta(days=days)
    m.Thread.objects.filter(pk=thread.pk).update(created_at=moment, updated_at=moment)


@pytest.fixture
def threads(acme, echo_graph, spec):
    other_graph = m.Graph.objects.create(
        workspace=acme["workspace"], slug="other", name="Other", draft=spec
    )
    ws = acme["workspace"]
    made = {
        "idle": thread_create(workspace=ws, graph=echo_graph, user=acme["alice"]),
        "paused": thread_create(workspace=ws, graph=echo_graph, user=acme["erin"]),
        "failed": thread_create(workspace=ws, graph=other_graph, user=acme["alice"]),
        "elsewhere": thread_create(workspace=acme["other"], graph=None, user=acme["mallory"]),
    }
    m.Thread.objects.filter(pk=made["paused"].pk).update(status="interrupted")
    m.Thread.objects.filter(pk=made["failed"].pk).update(status="error")
    _age(made["failed"], 10)
    made["other_graph"] = other_graph
    return made


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {t["thread_id"] for t in response.json()["results"]}


def test_lists_the_workspace_threads_with_readable_rows(acme, threads, client_for, echo_graph):
    response = client_for(acme["alice"]).get(URL)
    assert _ids(response) == {str(threads[k].pk) for k in ("idle", "paused", "failed")}
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    paused = next(t for t in body["results"] if t["thread_id"] == str(threads["paused"].pk))
    assert paused["graph"] == {"id": echo_graph.pk, "slug": "echo", "name": "Echo"}
    assert paused["status"] == "interrupted"
    assert paused["waiting_for_review"] is True
    assert paused["started_by"] == "erin"
    assert paused["workspace"] == "acme"
    # Most recent activity first: the aged thread comes last.
    assert body["results"][-1]["thread_id"] == str(threads["failed"].pk)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=error", {"failed"}),
        ("status=interrupted", {"paused"}),
        ("waiting_for_review=true", {"paused"}),
        ("waiting_for_review=false", {"idle", "failed"}),
        ("started_by=erin", {"paused"}),
        ("started_by=nobody", set()),
        ("status=idle&started_by=alice", {"idle"}),
    ],
)
def test_filters(acme, threads, client_for, query, expected):
    response = client_for(acme["alice"]).get(f"{URL}?{query}")
    assert _ids(response) == {str(threads[k].pk) for k in expected}


def test_filter_by_graph(acme, threads, client_for, echo_graph):
    client = client_for(acme["alice"])
    assert _ids(client.get(f"{URL}?graph={echo_graph.pk}")) == {
        str(threads["idle"].pk),
        str(threads["paused"].pk),
    }
    assert _ids(client.get(f"{URL}?graph={threads['other_graph'].pk}")) == {
        str(threads["failed"].pk)
    }


def test_filter_by_dates(acme, threads, client_for):
    client = client_for(acme["alice"])
    today = timezone.localdate()
    five_days_ago = (today - timedelta(days=5)).isoformat()
    recent = {str(threads["idle"].pk), str(threads["paused"].pk)}
    assert _ids(client.get(f"{URL}?created_after={five_days_ago}")) == recent
    assert _ids(client.get(f"{URL}?updated_after={five_days_ago}")) == recent
    assert _ids(client.get(f"{URL}?created_before={five_days_ago}")) == {str(threads["failed"].pk)}
    # A date as the upper bound includes that whole day.
    assert _ids(client.get(f"{URL}?updated_before={today.isoformat()}")) == {
        str(threads[k].pk) for k in ("idle", "paused", "failed")
    }
    moment = (timezone.now() - timedelta(days=5)).isoformat()
    response = client.get(URL, {"created_after": moment})
    assert _ids(response) == recent


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=success", "status"),
        ("status=", "status"),
        ("waiting_for_review=maybe", "waiting_for_review"),
        ("graph=abc", "graph"),
        ("graph=0", "graph"),
        ("created_after=yesterday", "created_after"),
        ("created_before=2026-02-30", "created_before"),
        ("updated_after=2026-13-01T00:00", "updated_after"),
        ("updated_before=soon", "updated_before"),
        ("page_size=0", "page_size"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(acme, threads, client_for, query, parameter):
    error = assert_error(client_for(acme["alice"]).get(f"{URL}?{query}"), 400, "invalid")
    assert [f["path"] for f in error["fields"]] == [f"/{parameter}"]
    assert parameter in error["message"]


def test_cursor_pages(acme, threads, client_for, echo_graph):
    for _ in range(3):
        thread_create(workspace=acme["workspace"], graph=echo_graph, user=acme["alice"])
    client = client_for(acme["alice"])
    seen: list[str] = []
    url = f"{URL}?page_size=2"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= 2
        seen += [t["thread_id"] for t in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 6


def test_other_workspaces_are_not_found(acme, threads, client_for, key_for):
    assert_error(client_for(acme["mallory"]).get(URL), 404, "not_found")
    key = key_for(acme["alice"], workspace=acme["workspace"])
    response = APIClient().get("/api/workspaces/other/threads/", HTTP_X_API_KEY=key)
    assert response.status_code == 404


def test_anonymous_is_refused(threads):
    assert APIClient().get(URL).status_code in (401, 403)
