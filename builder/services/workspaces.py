"""Workspace and membership writes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from builder.models import Membership, Role, Workspace
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput


def workspace_create(*, slug: str, name: str, owner: Any = None) -> Workspace:
    """Create a workspace; ``owner`` becomes its first member."""
    with transaction.atomic():
        workspace = Workspace.objects.create(slug=slug, name=name)
        if owner is not None:
            Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
        audit_record(workspace=workspace, actor=owner, action="workspace.created")
    return workspace


def membership_set(*, workspace: Workspace, user: Any, role: str, actor: Any = None) -> Membership:
    """Give ``user`` ``role`` in the workspace (adding or changing the membership)."""
    if role not in Role.values:
        raise InvalidInput(f"role must be one of {', '.join(Role.values)}, not {role!r}")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, workspace=workspace, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        audit_record(
            workspace=workspace,
            actor=actor,
            action="membership.set",
            detail={"user_id": user.pk, "role": role},
        )
    return membership
