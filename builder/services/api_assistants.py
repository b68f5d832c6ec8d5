"""Assistant writes for the API: default assistants per graph, create, update, delete.

Every graph gets one *default* assistant (``metadata.created_by == "system"``), as in
LangGraph Server, so clients can name a graph where an assistant id is expected.

Versions follow LangGraph Server: creating an assistant makes version 1, every update
adds an immutable AssistantVersion and makes it active, and ``assistant_set_latest``
makes any earlier one active again. The Assistant row always holds a copy of its active
version, which is what GET returns and what runs use.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from builder.models import Assistant, AssistantVersion, Graph, GraphVersion, Workspace
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput

SYSTEM = "system"
logger = logging.getLogger(__name__)


def assistant_default(*, graph: Graph) -> Assistant:
    """The graph's default assistant, created on first use."""
    found = graph.assistants.filter(metadata__created_by=SYSTEM).order_by("created_at").first()
    if found is not None:
        return found
    with transaction.atomic():
        Graph.objects.select_for_update().filter(pk=graph.pk).first()
        # Re-check under the lock: two first requests must not create two defaults.
        for existing in graph.assistants.order_by("created_at"):
            if existing.metadata.get("created_by") == SYSTEM:
                return existing
        assistant = Assistant.objects.create(
            workspace_id=graph.workspace_id,
            graph=graph,
            name=graph.code_ref or graph.slug,
            description=graph.description,
            metadata={"created_by": SYSTEM},
        )
        _snapshot(assistant)
        return assistant


def assistants_ensure_defaults(*, workspaces: Any, user: Any = None) -> None:
    """Register GRAPHS_CONFIG graphs in each workspace and give every graph its default
    assistant (idempotent; cheap when nothing is missing)."""
    from builder.services.graphs import code_graphs_register

    for workspace in workspaces:
        code_graphs_register(workspace=workspace, user=user)
        for graph in Graph.objects.filter(workspace=workspace).exclude(
            assistants__metadata__created_by=SYSTEM
        ):
            assistant_default(graph=graph)


def code_graphs_ensure(*, workspaces: Any, user: Any = None) -> None:
    """Like ``assistants_ensure_defaults``, for the code graphs only; nothing (no query)
    when GRAPHS_CONFIG is unset."""
    from builder.execution.graphs import GraphLoadError, code_graphs

    try:
        if not code_graphs():
            return
    except GraphLoadError:
        # A broken GRAPHS_CONFIG must not hide the spec graphs; runs of code graphs
        # report the error where it matters.
        logger.exception("GRAPHS_CONFIG cannot be loaded")
        return
    from builder.services.graphs import code_graphs_register

    for workspace in workspaces:
        for graph in code_graphs_register(workspace=workspace, user=user):
            assistant_default(graph=graph)


def assistant_create(
    *,
    workspace: Workspace,
    graph: Graph,
    name: str = "",
    description: str = "",
    config: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    assistant_id: Any = None,
    graph_version: GraphVersion | None = None,
    user: Any = None,
) -> Assistant:
    if graph.workspace_id != workspace.pk:
        raise InvalidInput("the graph belongs to another workspace")
    with transaction.atomic():
        fields: dict[str, Any] = {
            "workspace": workspace,
            "graph": graph,
            "graph_version": graph_version,
            "name": name or "Untitled",
            "description": description or "",
            "config": config or {},
            "context": context or {},
            "metadata": metadata or {},
        }
        if assistant_id:
            fields["assistant_id"] = assistant_id
        assistant = Assistant.objects.create(**fields)
        _snapshot(assistant)
        audit_record(
            workspace=workspace,
            actor=user,
            action="assistant.created",
            detail={"assistant_id": str(assistant.pk), "graph_id": graph.pk},
        )
    return assistant


def assistant_update(
    *,
    assistant: Assistant,
    graph: Graph | None = None,
    name: str | None = None,
    description: str | None = None,
    config: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    user: Any = None,
) -> Assistant:
    """Add a version made of the active one with these changes, and make it active.

    The new number is one more than the highest so far (not the active one): after
    ``set_latest`` went back to version 1, the next update is still a new number.
    """
    with transaction.atomic():
        locked = Assistant.objects.select_for_update().get(pk=assistant.pk)
        versions_ensure(locked)
        if graph is not None:
            if graph.workspace_id != locked.workspace_id:
                raise InvalidInput("the graph belongs to another workspace")
            locked.graph = graph
            locked.graph_version = None
        if name is not None:
            locked.name = name
        if description is not None:
            locked.description = description
        if config is not None:
            locked.config = config
        if context is not None:
            locked.context = context
        if metadata is not None:
            # LangGraph merges metadata on update.
            locked.metadata = {**locked.metadata, **metadata}
        highest = locked.versions.order_by("-version").values_list("version", flat=True).first()
        locked.version = (highest or locked.version) + 1
        locked.save()
        _snapshot(locked)
        audit_record(
            workspace=locked.workspace_id,
            actor=user,
            action="assistant.updated",
            detail={"assistant_id": str(locked.pk), "version": locked.version},
        )
    return locked


def assistant_set_latest(*, assistant: Assistant, version: int, user: Any = None) -> Assistant:
    """Make ``version`` the active one: the assistant's fields become that version's."""
    with transaction.atomic():
        locked = Assistant.objects.select_for_update().get(pk=assistant.pk)
        versions_ensure(locked)
        chosen = locked.versions.filter(version=version).first()
        if chosen is None:
            raise InvalidInput(f"assistant {locked.pk} has no version {version}")
        for field in _VERSIONED_FIELDS:
            setattr(locked, field, getattr(chosen, field))
        locked.version = chosen.version
        locked.save()
        audit_record(
            workspace=locked.workspace_id,
            actor=user,
            action="assistant.version_set",
            detail={"assistant_id": str(locked.pk), "version": locked.version},
        )
    return locked


_VERSIONED_FIELDS = (
    "graph_id",
    "graph_version_id",
    "name",
    "description",
    "config",
    "context",
    "metadata",
)


def _snapshot(assistant: Assistant) -> AssistantVersion:
    return AssistantVersion.objects.create(
        assistant=assistant,
        version=assistant.version,
        **{field: getattr(assistant, field) for field in _VERSIONED_FIELDS},
    )


def versions_ensure(assistant: Assistant) -> None:
    """Snapshot the assistant as its current version when it has none yet (assistants
    made before versions were kept, or written directly, as ``seed_demo`` does)."""
    if not assistant.versions.exists():
        _snapshot(assistant)


def assistant_delete(*, assistant: Assistant, user: Any = None) -> None:
    with transaction.atomic():
        audit_record(
            workspace=assistant.workspace_id,
            actor=user,
            action="assistant.deleted",
            detail={"assistant_id": str(assistant.pk)},
        )
        assistant.delete()
