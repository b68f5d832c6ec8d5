"""Management commands: seed_demo, createapikey, prune_threads, export/import, run_graph."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from builder import models as m
from builder.services.apikeys import apikey_authenticate, hash_key
from tests.builder.conftest import SIMPLE_SPEC


def _call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_keeps_edits():
    _call("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("demo")
    workspace = m.Workspace.objects.get(slug="demo")
    assert m.Membership.objects.get(user=demo, workspace=workspace).role == m.Role.OWNER
    slugs = set(workspace.graphs.values_list("slug", flat=True))
    assert {"support-triage", "map-reduce", "research-agent"} <= slugs
    triage = workspace.graphs.get(slug="support-triage")
    assert triage.versions.count() == 1 and triage.assistants.count() == 1
    counts = {
        model: model.objects.count()
        for model in (m.Workspace, m.Membership, m.Graph, m.GraphVersion, m.Assistant)
    }
    triage.name = "Renamed by a user"
    triage.save(update_fields=["name"])
    out, _ = _call("seed_demo")
    assert "nothing new" in out
    assert {model: model.objects.count() for model in counts} == counts
    assert workspace.graphs.get(slug="support-triage").name == "Renamed by a user"
    assert get_user_model().objects.filter(username="demo").count() == 1


@pytest.mark.django_db
def test_createapikey_prints_the_key_alone_on_the_last_line(user, workspace):
    out, _ = _call("createapikey", user.username, "--workspace", workspace.slug)
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("sy_") and " " not in secret
    key = m.ApiKey.objects.get(user=user)
    assert key.workspace == workspace and key.hashed_key == hash_key(secret)
    assert secret not in {key.prefix, key.hashed_key, key.name}
    assert apikey_authenticate(secret) == key
    assert apikey_authenticate(secret + "x") is None
    with pytest.raises(CommandError, match="no user"):
        _call("createapikey", "nobody")
    with pytest.raises(CommandError, match="no workspace"):
        _call("createapikey", user.username, "--workspace", "nope")


@pytest.mark.django_db
def test_prune_threads_follows_each_workspace_s_retention(workspace):
    other = m.Workspace.objects.create(slug="keep", name="Keep", retention_days=0)
    old = timezone.now() - dt.timedelta(days=workspace.retention_days + 1)
    expired = m.Thread.objects.create(workspace=workspace)
    busy = m.Thread.objects.create(workspace=workspace)
    m.Run.objects.create(thread=busy, status=m.RunStatus.RUNNING)
    fresh = m.Thread.objects.create(workspace=workspace)
    forever = m.Thread.objects.create(workspace=other)
    m.Thread.objects.filter(pk__in=[expired.pk, busy.pk, forever.pk]).update(updated_at=old)
    out, _ = _call("prune_threads", "--dry-run")
    assert "acme: would delete 1 thread(s)" in out
    assert m.Thread.objects.filter(pk=expired.pk).exists()
    out, _ = _call("prune_threads")
    assert "total: deleted 1 thread(s)" in out
    remaining = set(m.Thread.objects.values_list("pk", flat=True))
    assert remaining == {busy.pk, fresh.pk, forever.pk}
    assert m.AuditEntry.objects.filter(action="thread.deleted").count() == 1


@pytest.mark.django_db
def test_export_then_import_round_trips_a_graph(graph, workspace, tmp_path):
    out, _ = _call("export_graph", graph.slug, "--workspace", workspace.slug)
    assert json.loads(out) == SIMPLE_SPEC
    path = tmp_path / "g.json"
    path.write_text(json.dumps({**SIMPLE_SPEC, "name": "Copy"}))
    out, _ = _call("import_graph", str(path), "--workspace", workspace.slug, "--publish")
    assert "imported acme/copy" in out and "published version 1" in out
    copy = m.Graph.objects.get(workspace=workspace, slug="copy")
    assert copy.versions.get().spec["name"] == "Copy"
    out, _ = _call("import_graph", str(path), "--workspace", workspace.slug, "--slug", "copy")
    assert "draft revision 2" in out
    out, _ = _call("export_graph", "copy", "--workspace", workspace.slug, "--graph-version", "1")
    assert json.loads(out)["name"] == "Copy"
    with pytest.raises(CommandError, match="no graph"):
        _call("export_graph", "missing", "--workspace", workspace.slug)


@pytest.mark.django_db(transaction=True)
def test_run_graph_runs_a_graph_and_prints_its_events(graph, workspace):
    out, err = _call(
        "run_graph", graph.slug, "--workspace", workspace.slug, "--input", '{"text": "hi"}'
    )
    lines = out.strip().splitlines()
    events = [json.loads(line) for line in lines if line.startswith('{"type"')]
    assert events[0]["type"] == "run.created" and events[-1]["type"] == "run.finished"
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert '"text": "echo: hi"' in out
    assert err.strip().endswith("success")


@pytest.mark.django_db
def test_seed_demo_imports_specs_only_and_registers_code_graphs(builder_settings):
    _call("seed_demo")
    workspace = m.Workspace.objects.get(slug="demo")
    graphs = {g.slug: g for g in workspace.graphs.all()}
    assert "graphs" not in graphs  # graphs.json is GRAPHS_CONFIG's shape, not a spec
    code = {g.code_ref for g in graphs.values() if g.source == m.GraphSource.CODE}
    assert code == {"counter", "slow", "paced", "failing", "killable"}
    assert all(g.assistants.filter(metadata__created_by="system").exists() for g in graphs.values())
