"""Graph and membership writes the API needs beyond ``services.graphs``/``workspaces``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from builder.models import Graph, GraphSource, Membership, Role, Workspace
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput, ReadOnlyGraph
from builder.services.graphs import graph_update_draft

MAX_NAME_LENGTH = 200  # Graph.name's max_length


def graph_save(
    *,
    graph: Graph,
    user: Any = None,
    spec: dict[str, Any] | None = None,
    draft_revision: int | None = None,
    name: str | None = None,
    description: str | None = None,
) -> Graph:
    """Save the draft (optimistic concurrency on ``draft_revision``) and/or the name and
    description. The save is audited so a conflict can say who saved last.

    The graph's name and its draft's ``spec.name`` are one value: a new name is written
    into the draft (a new draft revision), a saved spec's name renames the graph.
    Code-defined graphs are read-only (``ReadOnlyGraph``, a 409).
    """
    if graph.source == GraphSource.CODE:
        raise ReadOnlyGraph(graph.pk)
    with transaction.atomic():
        if spec is not None:
            if draft_revision is None:
                raise InvalidInput("draft_revision is required when saving the spec")
            if name is not None:
                spec = {**spec, "name": name}
            elif isinstance(spec.get("name"), str) and spec["name"].strip():
                name = spec["name"]
                if len(name) > MAX_NAME_LENGTH:
                    raise InvalidInput(f"spec.name: at most {MAX_NAME_LENGTH} characters")
            graph = graph_update_draft(
                graph=graph, spec=spec, base_revision=draft_revision, user=user, name=name
            )
            audit_record(
                workspace=graph.workspace_id,
                actor=user,
                action="graph.draft_saved",
                detail={"graph_id": graph.pk, "draft_revision": graph.draft_revision},
            )
            if description is not None:
                graph.description = description
                graph.save(update_fields=["description", "updated_at"])
        elif name is not None or description is not None:
            graph = Graph.objects.select_for_update().get(pk=graph.pk)
            fields = ["updated_at"]
            if name is not None:
                graph.name = name
                fields.append("name")
                if isinstance(graph.draft, dict) and graph.draft.get("name") != name:
                    graph.draft = {**graph.draft, "name": name}
                    graph.draft_revision += 1
                    fields += ["draft", "draft_revision"]
            if description is not None:
                graph.description = description
                fields.append("description")
            graph.save(update_fields=fields)
    return graph


def graph_delete(*, graph: Graph, user: Any = None) -> None:
    """Delete a graph with its versions and assistants (threads keep their history)."""
    with transaction.atomic():
        audit_record(
            workspace=graph.workspace_id,
            actor=user,
            action="graph.deleted",
            detail={"graph_id": graph.pk, "slug": graph.slug},
        )
        # Versions are protected by assistants pinned to them: drop those first.
        graph.assistants.all().delete()
        graph.delete()


def membership_remove(*, workspace: Workspace, user: Any, actor: Any = None) -> None:
    """Remove a member; the last owner cannot be removed (someone must manage members)."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(workspace=workspace, user=user).first()
        )
        if membership is None:
            return
        if membership.role == Role.OWNER and _owners(workspace) <= 1:
            raise InvalidInput("the last owner of a workspace cannot be removed")
        membership.delete()
        audit_record(
            workspace=workspace,
            actor=actor,
            action="membership.removed",
            detail={"user_id": user.pk},
        )


def membership_change(
    *, workspace: Workspace, user: Any, role: str, actor: Any = None
) -> Membership:
    """Change a member's role, keeping at least one owner."""
    from builder.services.workspaces import membership_set

    with transaction.atomic():
        current = (
            Membership.objects.select_for_update().filter(workspace=workspace, user=user).first()
        )
        if current is not None and current.role == Role.OWNER and role != Role.OWNER:
            if _owners(workspace) <= 1:
                raise InvalidInput("the last owner of a workspace cannot be demoted")
        return membership_set(workspace=workspace, user=user, role=role, actor=actor)


def _owners(workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER).count()
