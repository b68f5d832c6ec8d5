"""Graph writes: create, save the draft (optimistic concurrency), publish versions."""

from __future__ import annotations

import copy
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.text import slugify

from builder.models import Graph, GraphSource, GraphVersion, Workspace
from builder.services.errors import DraftConflict, InvalidInput, ReadOnlyGraph


def graph_spec_check(spec: Any) -> list[str]:
    """Errors in a GraphSpec, as readable strings (empty when valid; warnings ignored)."""
    if not isinstance(spec, dict):
        return ["the spec must be a JSON object"]
    from runtime.graphspec import validate_spec

    problems = validate_spec(spec) or []
    return [str(p) for p in problems if getattr(p, "severity", "error") == "error"]


def graph_create(
    *,
    workspace: Workspace,
    name: str,
    spec: dict[str, Any] | None = None,
    slug: str = "",
    description: str = "",
    user: Any = None,
    source: str = GraphSource.SPEC,
    code_ref: str = "",
) -> Graph:
    """Create a graph whose draft is ``spec`` (an empty spec when omitted)."""
    slug = slug or slugify(name)[:100] or "graph"
    draft = spec if spec is not None else {"spec_version": 1, "name": name, "nodes": []}
    if not isinstance(draft, dict):
        raise InvalidInput("the graph spec must be a JSON object")
    from builder.services.audit import audit_record

    try:
        with transaction.atomic():
            graph = Graph.objects.create(
                workspace=workspace,
                slug=slug,
                name=name,
                description=description,
                draft=draft,
                source=source,
                code_ref=code_ref,
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
            audit_record(
                workspace=workspace,
                actor=user,
                action="graph.created",
                detail={"graph_id": graph.pk, "slug": slug},
            )
    except IntegrityError as exc:
        raise InvalidInput(f"a graph with slug {slug!r} already exists in {workspace}") from exc
    return graph


def graph_update_draft(
    *,
    graph: Graph,
    spec: dict[str, Any],
    base_revision: int,
    user: Any = None,
    name: str | None = None,
) -> Graph:
    """Save a new draft if nobody saved since ``base_revision``; else raise DraftConflict.

    The check and the write are one conditional UPDATE, so two simultaneous saves from
    the same revision cannot both succeed, on any database and across processes.
    """
    if graph.source == GraphSource.CODE:
        raise ReadOnlyGraph(graph.pk)
    if not isinstance(spec, dict):
        raise InvalidInput("the graph spec must be a JSON object")
    fields: dict[str, Any] = {"draft": spec, "draft_revision": F("draft_revision") + 1}
    if name is not None:
        fields["name"] = name
    with transaction.atomic():
        updated = Graph.objects.filter(pk=graph.pk, draft_revision=base_revision).update(**fields)
        if not updated:
            current = Graph.objects.filter(pk=graph.pk).values("draft", "draft_revision").first()
            if current is None:
                raise Graph.DoesNotExist(f"graph {graph.pk} does not exist")
            raise DraftConflict(graph.pk, current["draft_revision"], current["draft"])
    graph.refresh_from_db(fields=["draft", "draft_revision", "name", "updated_at"])
    return graph


def graph_version_publish(*, graph: Graph, user: Any = None, note: str = "") -> GraphVersion:
    """Snapshot the current draft as the next immutable version.

    Refuses a draft that does not validate: a version is what runs execute.
    """
    from builder.services.audit import audit_record

    with transaction.atomic():
        # Lock the graph so two publishes get consecutive numbers (the unique constraint
        # would otherwise turn the race into an error).
        locked = Graph.objects.select_for_update().get(pk=graph.pk)
        problems = graph_spec_check(locked.draft)
        if problems:
            raise InvalidInput("the draft is not a valid graph: " + "; ".join(problems))
        last = locked.versions.aggregate(n=Max("number"))["n"] or 0
        version = GraphVersion.objects.create(
            graph=locked,
            number=last + 1,
            spec=copy.deepcopy(locked.draft),
            note=note,
            author=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_record(
            workspace=locked.workspace_id,
            actor=user,
            action="graph.published",
            detail={"graph_id": locked.pk, "version": version.number},
        )
    return version


def code_graphs_register(*, workspace: Workspace, user: Any = None) -> list[Graph]:
    """Make every graph in GRAPHS_CONFIG appear in the workspace (read-only canvas).

    Idempotent: existing rows are kept; only missing ones are created.
    """
    from builder.execution.graphs import code_graphs

    created = []
    for graph_id in code_graphs():
        if not Graph.objects.filter(
            workspace=workspace, source=GraphSource.CODE, code_ref=graph_id
        ).exists():
            created.append(
                graph_create(
                    workspace=workspace,
                    name=graph_id,
                    slug=slugify(graph_id)[:100] or "graph",
                    spec={},
                    user=user,
                    source=GraphSource.CODE,
                    code_ref=graph_id,
                )
            )
    return created


def graph_import(
    *,
    workspace: Workspace,
    spec: dict[str, Any],
    slug: str = "",
    user: Any = None,
    publish: bool = False,
    note: str = "",
) -> tuple[Graph, GraphVersion | None]:
    """Create the graph ``slug`` from ``spec``, or replace the draft of the existing one;
    optionally publish the result as a new version."""
    if not isinstance(spec, dict):
        raise InvalidInput("the graph spec must be a JSON object")
    name = str(spec.get("name") or slug or "Imported graph")
    slug = slug or slugify(name)[:100] or "graph"
    existing = Graph.objects.filter(workspace=workspace, slug=slug).first()
    if existing is None:
        graph = graph_create(workspace=workspace, name=name, slug=slug, spec=spec, user=user)
    else:
        graph = graph_update_draft(
            graph=existing, spec=spec, base_revision=existing.draft_revision, user=user
        )
    version = graph_version_publish(graph=graph, user=user, note=note) if publish else None
    return graph, version
