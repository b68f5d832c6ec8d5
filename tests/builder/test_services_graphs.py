"""Graph services: optimistic concurrency on the draft, immutable published versions."""

from __future__ import annotations

import pytest

from builder import models as m
from builder.services.errors import DraftConflict, InvalidInput
from builder.services.graphs import graph_create, graph_update_draft, graph_version_publish
from tests.builder.conftest import SIMPLE_SPEC

pytestmark = pytest.mark.django_db


def _spec(name: str) -> dict:
    return {**SIMPLE_SPEC, "name": name}


def test_create_makes_a_slug_and_audits(workspace, user):
    graph = graph_create(workspace=workspace, name="Support Triage", spec=_spec("a"), user=user)
    assert graph.slug == "support-triage" and graph.draft_revision == 1
    assert m.AuditEntry.objects.filter(action="graph.created", actor=user).exists()
    with pytest.raises(InvalidInput, match="already exists"):
        graph_create(workspace=workspace, name="Support Triage", user=user)


def test_a_stale_revision_raises_conflict_carrying_the_current_draft(graph, user):
    first = graph_update_draft(graph=graph, spec=_spec("mine"), base_revision=1, user=user)
    assert first.draft_revision == 2 and first.draft["name"] == "mine"
    stale = m.Graph.objects.get(pk=graph.pk)
    with pytest.raises(DraftConflict) as info:
        graph_update_draft(graph=stale, spec=_spec("theirs"), base_revision=1, user=user)
    assert info.value.current_revision == 2
    assert info.value.current_draft["name"] == "mine"
    assert m.Graph.objects.get(pk=graph.pk).draft["name"] == "mine"
    again = graph_update_draft(graph=stale, spec=_spec("theirs"), base_revision=2, user=user)
    assert again.draft_revision == 3 and again.draft["name"] == "theirs"


def test_publish_numbers_versions_and_snapshots_do_not_follow_the_draft(graph, user):
    v1 = graph_version_publish(graph=graph, user=user, note="first")
    graph_update_draft(graph=graph, spec=_spec("changed"), base_revision=1, user=user)
    v2 = graph_version_publish(graph=graph, user=user)
    assert (v1.number, v2.number) == (1, 2)
    v1.refresh_from_db()
    assert v1.spec["name"] == "Echo" and v2.spec["name"] == "changed"
    v1.spec = {}
    with pytest.raises(m.ImmutableVersionError):
        v1.save()
    assert m.AuditEntry.objects.filter(action="graph.published").count() == 2


def test_code_graph_drafts_are_read_only(workspace):
    graph = m.Graph.objects.create(
        workspace=workspace, slug="c", name="c", source=m.GraphSource.CODE, code_ref="counter"
    )
    with pytest.raises(InvalidInput, match="read-only"):
        graph_update_draft(graph=graph, spec=_spec("x"), base_revision=1)


def test_publish_refuses_an_invalid_draft(graph, user):
    graph_update_draft(graph=graph, spec={**SIMPLE_SPEC, "edges": []}, base_revision=1)
    with pytest.raises(InvalidInput, match="not a valid graph"):
        graph_version_publish(graph=graph, user=user)
    assert not m.GraphVersion.objects.filter(graph=graph).exists()
