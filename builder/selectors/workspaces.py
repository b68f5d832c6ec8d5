"""Reads about workspaces and who may do what in them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from builder.models import Membership, Role, Workspace

# What each role may do, from least to most.
ROLE_RANK = {Role.VIEWER: 0, Role.REVIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}


def workspace_list(*, user: Any) -> QuerySet[Workspace]:
    """Workspaces ``user`` is a member of (all of them for superusers)."""
    if getattr(user, "is_superuser", False):
        return Workspace.objects.all()
    return Workspace.objects.filter(memberships__user=user).distinct()


def membership_role(*, user: Any, workspace: Workspace | int) -> str | None:
    """The user's role in the workspace, or None when not a member."""
    if getattr(user, "is_superuser", False):
        return Role.OWNER
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return (
        Membership.objects.filter(user=user, workspace_id=workspace_id)
        .values_list("role", flat=True)
        .first()
    )


def has_role(*, user: Any, workspace: Workspace | int, at_least: str) -> bool:
    """Whether the user's role in the workspace is ``at_least`` or higher."""
    role = membership_role(user=user, workspace=workspace)
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(at_least)]
