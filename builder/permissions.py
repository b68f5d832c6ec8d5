"""Who may do what in a workspace: the one place the role rules live.

Roles are ranked viewer < reviewer < editor < owner, and each action needs a minimum:

- ``read``: see graphs, threads, runs, state, the store (viewer);
- ``act``: act on runs: create threads, start/cancel/resume runs, edit thread state,
  write the store (reviewer; editors and owners may too);
- ``edit``: change graphs, versions and assistants (editor);
- ``manage``: manage members (owner).

Team features map onto those: reading a thread's audit trail, its comments and exporting
it is ``read``; commenting on a checkpoint is ``act``; creating a share link and importing
a thread (which may create a graph) is ``edit``; invitations, provider credentials and
the workspace-wide audit trail are ``manage``. A share link is revoked by an owner or by
whoever created it (``may_revoke_share_link``).

An API key may be limited to one workspace; it then sees only that workspace, whatever
the key's user may see elsewhere.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet

from builder.models import ApiKey, Role, Workspace
from builder.selectors.workspaces import ROLE_RANK, membership_role, workspace_list

Action = Literal["read", "act", "edit", "manage"]

REQUIRED_ROLE: dict[str, Role] = {
    "read": Role.VIEWER,
    "act": Role.REVIEWER,
    "edit": Role.EDITOR,
    "manage": Role.OWNER,
}


def visible_workspaces(user: Any, api_key: ApiKey | None = None) -> QuerySet[Workspace]:
    """Workspaces the user (through ``api_key`` when given) can see."""
    workspaces = workspace_list(user=user)
    if api_key is not None and api_key.workspace_id is not None:
        workspaces = workspaces.filter(pk=api_key.workspace_id)
    return workspaces


def role_in(user: Any, workspace: Workspace | int, api_key: ApiKey | None = None) -> str | None:
    """The user's role in the workspace, or None when it is not visible to them."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    if api_key is not None and api_key.workspace_id not in (None, workspace_id):
        return None
    return membership_role(user=user, workspace=workspace_id)


def allows(role: str | None, action: Action) -> bool:
    """Whether ``role`` may perform ``action``."""
    if role is None:
        return False
    return ROLE_RANK[Role(role)] >= ROLE_RANK[REQUIRED_ROLE[action]]


def can(
    user: Any, workspace: Workspace | int, action: Action, api_key: ApiKey | None = None
) -> bool:
    """Whether the user may perform ``action`` in the workspace."""
    return allows(role_in(user, workspace, api_key), action)


def may_revoke_share_link(role: str | None, *, created_it: bool) -> bool:
    """Owners revoke any share link of their workspace; a member revokes the ones they
    created (even after losing the role to create more: revoking only reduces exposure)."""
    return allows(role, "manage") or (created_it and allows(role, "read"))
