"""The list selectors keep to the caller's scope: a workspace-limited API key never sees
the rest of its user's workspaces, whatever filters the caller passes."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.selectors.graphs import graph_list
from builder.selectors.threads import thread_list
from builder.services.apikeys import apikey_create
from builder.services.threads import thread_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workspaces(user, workspace, graph):
    """alice owns 'acme' (graph echo, one thread) and 'beta' (graph other, one thread)."""
    beta = m.Workspace.objects.create(slug="beta", name="Beta")
    m.Membership.objects.create(user=user, workspace=beta, role=m.Role.OWNER)
    beta_graph = m.Graph.objects.create(workspace=beta, slug="other", name="Other")
    threads = {
        "acme": thread_create(workspace=workspace, graph=graph),
        "beta": thread_create(workspace=beta, graph=beta_graph),
    }
    return {"acme": workspace, "beta": beta, "threads": threads}


def test_graph_list_keeps_to_a_workspace_limited_key(user, two_workspaces):
    acme, beta = two_workspaces["acme"], two_workspaces["beta"]
    key, _ = apikey_create(user=user, workspace=acme)
    assert {g.slug for g in graph_list(user=user, api_key=None)} == {"echo", "other"}
    assert [g.slug for g in graph_list(user=user, api_key=key)] == ["echo"]
    # Naming the other workspace does not widen the key's view.
    assert list(graph_list(user=user, api_key=key, workspace_id=beta.pk)) == []
    unlimited, _ = apikey_create(user=user)
    assert [g.slug for g in graph_list(user=user, api_key=unlimited, workspace_id=beta.pk)] == [
        "other"
    ]


def test_thread_list_keeps_to_a_workspace_limited_key(user, two_workspaces):
    acme, beta = two_workspaces["acme"], two_workspaces["beta"]
    threads = two_workspaces["threads"]
    key, _ = apikey_create(user=user, workspace=beta)
    assert {t.pk for t in thread_list(user=user, api_key=None)} == {
        threads["acme"].pk,
        threads["beta"].pk,
    }
    assert [t.pk for t in thread_list(user=user, api_key=key)] == [threads["beta"].pk]
    assert list(thread_list(user=user, api_key=key, workspace_id=acme.pk)) == []
    assert list(thread_list(user=user, api_key=key, status="busy")) == []


def test_the_key_must_be_named(user, two_workspaces):
    # No default: a caller that forgets the key fails loudly instead of widening access.
    with pytest.raises(TypeError, match="api_key"):
        graph_list(user=user)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="api_key"):
        thread_list(user=user)  # type: ignore[call-arg]


def test_a_non_member_sees_nothing(django_user_model, two_workspaces):
    stranger = django_user_model.objects.create_user("stranger")
    assert list(graph_list(user=stranger, api_key=None)) == []
    assert list(thread_list(user=stranger, api_key=None)) == []
