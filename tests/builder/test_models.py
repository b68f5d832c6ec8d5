"""Model constraints: what the database itself guarantees."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from builder import models as m

pytestmark = pytest.mark.django_db


def test_membership_is_unique_per_user_and_workspace(user, workspace):
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Membership.objects.create(user=user, workspace=workspace, role=m.Role.VIEWER)


def test_graph_slug_is_unique_within_a_workspace_only(workspace, graph):
    other = m.Workspace.objects.create(slug="other", name="Other")
    m.Graph.objects.create(workspace=other, slug=graph.slug, name="same slug elsewhere")
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Graph.objects.create(workspace=workspace, slug=graph.slug, name="dup")


def test_graph_version_number_is_unique_and_a_saved_version_cannot_change(graph):
    version = m.GraphVersion.objects.create(graph=graph, number=1, spec=graph.draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.GraphVersion.objects.create(graph=graph, number=1, spec={})
    version.note = "edited"
    with pytest.raises(m.ImmutableVersionError):
        version.save()
    version.refresh_from_db()
    assert version.note == ""


def test_at_most_one_running_run_per_thread(workspace):
    thread = m.Thread.objects.create(workspace=workspace)
    m.Run.objects.create(thread=thread, status=m.RunStatus.RUNNING)
    m.Run.objects.create(thread=thread, status=m.RunStatus.PENDING)
    m.Run.objects.create(thread=thread, status=m.RunStatus.SUCCESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Run.objects.create(thread=thread, status=m.RunStatus.RUNNING)
    other = m.Thread.objects.create(workspace=workspace)
    m.Run.objects.create(thread=other, status=m.RunStatus.RUNNING)


def test_run_event_seq_is_unique_per_thread(workspace):
    a = m.Thread.objects.create(workspace=workspace)
    b = m.Thread.objects.create(workspace=workspace)
    m.RunEvent.objects.create(thread=a, seq=1, type="run.created")
    m.RunEvent.objects.create(thread=b, seq=1, type="run.created")
    with pytest.raises(IntegrityError), transaction.atomic():
        m.RunEvent.objects.create(thread=a, seq=1, type="values")


def test_store_items_are_unique_per_workspace_and_globally(workspace):
    kw = {"namespace": "users.1", "namespace_prefix": "users.1.", "key": "prefs"}
    m.StoreItem.objects.create(workspace=workspace, value={"a": 1}, **kw)
    m.StoreItem.objects.create(workspace=None, value={"a": 2}, **kw)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.StoreItem.objects.create(workspace=workspace, value={}, **kw)
    # NULL workspaces are distinct in SQL; the partial constraint still forbids duplicates.
    with pytest.raises(IntegrityError), transaction.atomic():
        m.StoreItem.objects.create(workspace=None, value={}, **kw)


def test_checkpoint_rows_are_unique_per_thread_namespace_and_id():
    m.Checkpoint.objects.create(thread_id="t", checkpoint_ns="", checkpoint_id="1", ts="x")
    m.Checkpoint.objects.create(thread_id="t", checkpoint_ns="sub:1", checkpoint_id="1", ts="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Checkpoint.objects.create(thread_id="t", checkpoint_ns="", checkpoint_id="1", ts="y")


def test_deleting_a_thread_keeps_its_audit_entries(workspace, user):
    thread = m.Thread.objects.create(workspace=workspace)
    entry = m.AuditEntry.objects.create(
        workspace=workspace, thread=thread, actor=user, action="thread.created"
    )
    thread.delete()
    entry.refresh_from_db()
    assert entry.thread_id is None
    assert entry.action == "thread.created"


def test_workspace_retention_defaults_from_settings(settings):
    settings.BUILDER = {**settings.BUILDER, "DEFAULT_RETENTION_DAYS": 7}
    assert m.Workspace.objects.create(slug="w7", name="W").retention_days == 7
