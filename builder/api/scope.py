"""What the caller of a request can reach: workspaces, roles, and objects by id.

Lookups filter by the caller's visible workspaces first, so an object of another
workspace is indistinguishable from one that does not exist (404). Role checks come after
(403): the caller can see the object but may not do this to it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from rest_framework import exceptions

from builder import permissions
from builder.api.auth import api_key_of
from builder.api.errors import ApiError, not_found
from builder.models import Assistant, Graph, Role, Run, Thread, Workspace
from builder.selectors.workspaces import ROLE_RANK

WORKSPACE_HEADER = "X-Workspace"


class Scope:
    """The caller of one request (user plus optional API key)."""

    def __init__(self, request: Any) -> None:
        self.request = request
        self.user = request.user
        self.api_key = api_key_of(request)

    # --- workspaces ---------------------------------------------------------------

    def workspaces(self) -> QuerySet[Workspace]:
        return permissions.visible_workspaces(self.user, self.api_key)

    def role(self, workspace: Workspace | int) -> str | None:
        return permissions.role_in(self.user, workspace, self.api_key)

    def require(self, workspace: Workspace | int, action: permissions.Action) -> None:
        """403 unless the caller may perform ``action`` in the workspace."""
        if not permissions.allows(self.role(workspace), action):
            needed = permissions.REQUIRED_ROLE[action].value
            raise exceptions.PermissionDenied(
                f"this needs the {needed} role (or higher) in the workspace"
            )

    def workspace(self, slug: str) -> Workspace:
        found = self.workspaces().filter(slug=slug).first()
        if found is None:
            raise not_found(f"workspace {slug!r}")
        return found

    def default_workspace(self, action: permissions.Action = "read") -> Workspace:
        """Where new objects go when the request names no workspace (LangGraph clients
        never do): the API key's workspace, the ``X-Workspace`` header, else the caller's
        first workspace (by slug) in which they may perform ``action``."""
        slug = self.request.headers.get(WORKSPACE_HEADER)
        if slug:
            workspace = self.workspace(slug)
            self.require(workspace, action)
            return workspace
        needed = ROLE_RANK[permissions.REQUIRED_ROLE[action]]
        for workspace in self.workspaces().order_by("slug"):
            role = self.role(workspace)
            if role is not None and ROLE_RANK[Role(role)] >= needed:
                return workspace
        raise exceptions.PermissionDenied(
            "you are not a member of any workspace where you may do this"
        )

    # --- objects --------------------------------------------------------------------

    def graph(self, graph_id: Any) -> Graph:
        """A graph by numeric id (or slug, when unique among visible workspaces)."""
        graphs = Graph.objects.filter(workspace__in=self.workspaces()).select_related("workspace")
        if str(graph_id).isascii() and str(graph_id).isdigit():
            found = graphs.filter(pk=int(graph_id)).first()
        else:
            found = graphs.filter(slug=str(graph_id)).order_by("workspace__slug").first()
        if found is None:
            raise not_found(f"graph {graph_id}")
        return found

    def thread(self, thread_id: Any) -> Thread:
        parsed = _uuid(thread_id)
        found = (
            Thread.objects.filter(pk=parsed, workspace__in=self.workspaces())
            .select_related("graph", "assistant", "workspace")
            .first()
            if parsed
            else None
        )
        if found is None:
            raise not_found(f"thread {thread_id}")
        return found

    def run(self, thread: Thread, run_id: Any) -> Run:
        parsed = _uuid(run_id)
        found = thread.runs.filter(pk=parsed).first() if parsed else None
        if found is None:
            raise not_found(f"run {run_id}")
        return found

    def assistant(self, assistant_id: Any) -> Assistant:
        """An assistant by id, or a graph's default assistant by the graph's slug or id
        (LangGraph Server accepts a graph id wherever an assistant id goes)."""
        from builder.services.api_assistants import assistant_default

        assistants = Assistant.objects.filter(workspace__in=self.workspaces()).select_related(
            "graph", "graph_version", "workspace"
        )
        parsed = _uuid(assistant_id)
        if parsed is not None:
            found = assistants.filter(pk=parsed).first()
            if found is not None:
                return found
        graphs = Graph.objects.filter(workspace__in=self.workspaces())
        match = Q(slug=str(assistant_id)) | Q(code_ref=str(assistant_id), source="code")
        if str(assistant_id).isascii() and str(assistant_id).isdigit():
            match |= Q(pk=int(assistant_id))
        candidates = list(graphs.filter(match).select_related("workspace"))
        if not candidates:
            # A code graph listed in GRAPHS_CONFIG but not yet seen in this workspace.
            from builder.services.api_assistants import assistants_ensure_defaults

            assistants_ensure_defaults(workspaces=self.workspaces(), user=self.user)
            candidates = list(graphs.filter(match).select_related("workspace"))
        if not candidates:
            raise not_found(f"assistant {assistant_id}")
        preferred = self.request.headers.get(WORKSPACE_HEADER)
        candidates.sort(key=lambda g: (g.workspace.slug != preferred, g.workspace.slug))
        return assistant_default(graph=candidates[0])


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def invalid(message: str, path: str = "") -> ApiError:
    """A 422 about one member of the request."""
    fields = [{"path": path, "message": message}] if path else []
    return ApiError(message, code="invalid", status_code=422, extra={"fields": fields})
