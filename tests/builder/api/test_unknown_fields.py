"""Bodies of the builder's own resources may only name fields they declare: a misspelt
member is a 400 naming it (``expires_in_days`` made a link that never expires). The
LangGraph-compatible endpoints stay tolerant: the official SDK may send fields we do
not know."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.services.threads import thread_create
from tests.builder.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(acme, echo_graph):
    return thread_create(workspace=acme["workspace"], graph=echo_graph, user=acme["alice"])


def _cases(echo_graph, thread, spec):
    g, t = echo_graph.pk, thread.pk
    return [
        ("post", "/api/graphs/", {"name": "x", "nmae": "y"}, "nmae"),
        ("patch", f"/api/graphs/{g}/", {"titel": "x"}, "titel"),
        ("post", f"/api/graphs/{g}/validate/", {"sepc": {}}, "sepc"),
        ("post", f"/api/graphs/{g}/versions/", {"notes": "x"}, "notes"),
        ("post", "/api/graphs/import/", {"spec": spec, "bogus": 1}, "bogus"),
        ("post", "/api/validate/", {"spec": spec, "strict": True}, "strict"),
        ("post", "/api/workspaces/acme/members/", {"username": "x", "role": "viewer", "x": 1}, "x"),
        ("patch", "/api/workspaces/acme/members/erin/", {"role": "viewer", "rol": "x"}, "rol"),
        (
            "post",
            "/api/workspaces/acme/invitations/",
            {"role": "viewer", "expires_in_days": 3},
            "expires_in_days",
        ),
        ("post", "/api/keys/", {"name": "k", "scopes": ["read"]}, "scopes"),
        ("post", f"/api/threads/{t}/share-links/", {"expires_in_days": 3}, "expires_in_days"),
        (
            "post",
            f"/api/threads/{t}/comments/",
            {"checkpoint_id": "1", "body": "x", "author": "bob"},
            "author",
        ),
        (
            "post",
            "/api/workspaces/acme/credentials/",
            {"provider": "openai", "name": "n", "secret": "sk-123456789", "baseurl": "x"},
            "baseurl",
        ),
    ]


def test_unknown_fields_are_refused_by_name(acme, client_for, echo_graph, thread, spec):
    client = client_for(acme["alice"])
    for method, url, body, unknown in _cases(echo_graph, thread, spec):
        response = getattr(client, method)(url, body, format="json")
        error = assert_error(response, 400, "invalid")
        assert [f["path"] for f in error["fields"]] == [f"/{unknown}"], (url, error)
        assert "unknown field" in error["fields"][0]["message"]
    assert not m.ShareLink.objects.exists()
    assert not m.Invitation.objects.exists()
    assert not m.ProviderCredential.objects.exists()
    assert m.Graph.objects.count() == 1


def test_the_real_share_link_field_still_works(acme, client_for, thread):
    client = client_for(acme["alice"])
    response = client.post(
        f"/api/threads/{thread.pk}/share-links/", {"expires_in": 3 * 86400}, format="json"
    )
    assert response.status_code == 201, response.content
    assert m.ShareLink.objects.get().expires_at is not None


def test_langgraph_compatible_endpoints_stay_tolerant(acme, client_for, echo_graph):
    client = client_for(acme["alice"])
    created = client.post("/api/threads", {"metadata": {}, "sdk_future_field": 1}, format="json")
    assert created.status_code == 200, created.content
    found = client.post("/api/assistants/search", {"limit": 5, "select": ["x"]}, format="json")
    assert found.status_code == 200, found.content
