"""Test runs of a graph's unpublished draft: the run executes the draft as it was when it
started (not the latest version), says so, and runs that continue it keep that draft."""

from __future__ import annotations

import copy

import pytest

from builder import models as m
from builder.services.errors import InvalidInput
from builder.services.graphs import graph_update_draft, graph_version_publish
from builder.services.runs import run_start
from builder.services.threads import thread_create
from builder.wire.resources import run as run_dict
from tests.builder.conftest import SIMPLE_SPEC, code_graph

pytestmark = pytest.mark.django_db(transaction=True)


def _echo(prefix: str) -> dict:
    spec = copy.deepcopy(SIMPLE_SPEC)
    spec["nodes"][0]["config"]["set"][0]["template"] = prefix + ": {{ state.text }}"
    return spec


@pytest.fixture
def edited(graph, user) -> m.Graph:
    """The Echo graph with version 1 published ("echo:") and a draft edited since ("draft:")."""
    graph_version_publish(graph=graph, user=user)
    graph_update_draft(
        graph=graph, spec=_echo("draft"), base_revision=graph.draft_revision, user=user
    )
    graph.refresh_from_db()
    return graph


def test_a_draft_run_executes_the_draft_and_is_marked(builder_settings, workspace, edited, user):
    thread = thread_create(workspace=workspace, graph=edited, user=user)
    run = run_start(thread=thread, input={"text": "hi"}, draft=True, user=user)
    run.refresh_from_db()
    thread.refresh_from_db()
    assert run.status == m.RunStatus.SUCCESS and thread.values == {"text": "draft: hi"}
    assert run.metadata == {"draft": True, "draft_revision": edited.draft_revision}
    assert run_dict(run)["kwargs"]["draft"] is True
    created = m.RunEvent.objects.get(run=run, type="run.created")
    assert created.payload["draft"] is True

    # The same thread without draft runs the published version, and says so.
    published = run_start(thread=thread, input={"text": "hi"}, user=user)
    published.refresh_from_db()
    thread.refresh_from_db()
    assert thread.values == {"text": "echo: hi"}
    assert run_dict(published)["kwargs"]["draft"] is False and "draft" not in published.metadata


def test_a_run_continuing_a_draft_run_keeps_its_draft(builder_settings, workspace, edited, user):
    thread = thread_create(workspace=workspace, graph=edited, user=user)
    first = run_start(thread=thread, input={"text": "hi"}, draft=True, user=user)
    # Edited again after the run: the run's history keeps the draft it ran.
    graph_update_draft(
        graph=edited, spec=_echo("later"), base_revision=edited.draft_revision, user=user
    )
    first.refresh_from_db()
    assert first.draft_spec["nodes"][0]["config"]["set"][0]["template"].startswith("draft:")

    start = m.Checkpoint.objects.filter(thread_id=str(thread.pk)).order_by("checkpoint_id")[0]
    again = run_start(thread=thread, input=None, checkpoint_id=start.checkpoint_id, user=user)
    again.refresh_from_db()
    thread.refresh_from_db()
    assert again.status == m.RunStatus.SUCCESS and again.metadata["draft"] is True
    assert thread.values == {"text": "draft: hi"}


def test_draft_is_refused_where_there_is_no_draft(builder_settings, workspace, graph, user):
    thread = thread_create(workspace=workspace, graph=code_graph(workspace, "counter"))
    with pytest.raises(InvalidInput, match="code-defined graph runs its code"):
        run_start(thread=thread, input={}, draft=True)
    version = graph_version_publish(graph=graph, user=user)
    spec_thread = thread_create(workspace=workspace, graph=graph, user=user)
    with pytest.raises(InvalidInput, match="either a graph version or draft"):
        run_start(thread=spec_thread, input={}, draft=True, graph_version=version)
    assert not m.Run.objects.exists()
