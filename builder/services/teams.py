"""Team writes: invitations to a workspace by link, and comments on checkpoints.

Invitation tokens are shown once, when created; only their SHA-256 is stored, so a
database dump cannot be turned into working links (the same reasoning as API keys).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from builder.eventlog import event_record
from builder.models import (
    Checkpoint,
    CheckpointComment,
    Invitation,
    Membership,
    Role,
    Thread,
    Workspace,
)
from builder.models.teams import COMMENT_MAX_LENGTH
from builder.selectors.workspaces import ROLE_RANK
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput, ServiceError

DEFAULT_INVITATION_TTL = dt.timedelta(days=7)
MAX_INVITATION_TTL = dt.timedelta(days=90)


class InvitationUnusable(ServiceError):
    """The invitation link is unknown, revoked, expired or already used."""

    status_code = 404


def token_hash(token: str) -> str:
    """SHA-256 of a link token: tokens are long and random, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *,
    workspace: Workspace,
    role: str,
    user: Any,
    expires_in: dt.timedelta | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation; returns the row and the token (not stored anywhere)."""
    if role not in Role.values:
        raise InvalidInput(f"role must be one of {', '.join(Role.values)}, not {role!r}")
    ttl = expires_in or DEFAULT_INVITATION_TTL
    if ttl <= dt.timedelta(0) or ttl > MAX_INVITATION_TTL:
        raise InvalidInput("an invitation expires after between 1 second and 90 days")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workspace=workspace,
            role=role,
            token_hash=token_hash(token),
            created_by=user,
            expires_at=timezone.now() + ttl,
        )
        audit_record(
            workspace=workspace,
            actor=user,
            action="invitation.created",
            detail={"invitation_id": invitation.pk, "role": role},
        )
    return invitation, token


def invitation_find(token: str) -> Invitation | None:
    """The invitation a link token belongs to, whatever its state, or None."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("workspace").filter(token_hash=token_hash(token)).first()
    )


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why the invitation cannot be accepted (a sentence for the invitee), or None."""
    if invitation is None:
        return "This invitation link is not valid."
    if invitation.revoked_at is not None:
        return "This invitation was revoked. Ask the workspace owner for a new one."
    if invitation.accepted_at is not None:
        return "This invitation was already used. Ask the workspace owner for a new one."
    if invitation.expires_at <= timezone.now():
        return "This invitation has expired. Ask the workspace owner for a new one."
    return None


def invitation_accept(*, token: str, user: Any, signed_up: bool = False) -> Membership:
    """Join the invitation's workspace. An existing higher role is kept: an invitation
    never demotes anyone."""
    with transaction.atomic():
        found = invitation_find(token)
        # Locked so two people racing with one link cannot both use it.
        invitation = (
            Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
        )
        problem = invitation_problem(invitation)
        if problem is not None:
            raise InvitationUnusable(problem)
        assert invitation is not None
        membership, created = Membership.objects.get_or_create(
            user=user, workspace_id=invitation.workspace_id, defaults={"role": invitation.role}
        )
        if not created and ROLE_RANK[Role(invitation.role)] > ROLE_RANK[Role(membership.role)]:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        audit_record(
            workspace=invitation.workspace_id,
            actor=user,
            action="invitation.accepted",
            detail={"invitation_id": invitation.pk, "role": membership.role}
            | ({"signed_up": True} if signed_up else {}),
        )
    return membership


def invitation_sign_up(*, token: str, username: str, password: str) -> Any:
    """Create an account and join the invitation's workspace, as one step: a link that
    cannot be used (revoked, expired, taken meanwhile) creates no account."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password)
        invitation_accept(token=token, user=user, signed_up=True)
    return user


def invitation_revoke(*, invitation: Invitation, user: Any) -> Invitation:
    with transaction.atomic():
        if invitation.revoked_at is None and invitation.accepted_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            audit_record(
                workspace=invitation.workspace_id,
                actor=user,
                action="invitation.revoked",
                detail={"invitation_id": invitation.pk},
            )
    return invitation


def comment_create(
    *, thread: Thread, checkpoint_id: str, body: str, user: Any
) -> CheckpointComment:
    """Add a plain-text comment to a checkpoint and tell the thread's watchers."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("a comment needs some text")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"a comment has at most {COMMENT_MAX_LENGTH} characters")
    known = Checkpoint.objects.filter(thread_id=str(thread.pk), checkpoint_id=checkpoint_id)
    if not checkpoint_id or not known.exists():
        raise InvalidInput(f"thread {thread.pk} has no checkpoint {checkpoint_id!r}")
    with transaction.atomic():
        comment = CheckpointComment.objects.create(
            thread=thread, checkpoint_id=checkpoint_id, author=user, body=body
        )
        audit_record(
            workspace=thread.workspace_id,
            actor=user,
            thread=thread,
            action="comment.created",
            detail={"comment_id": comment.pk, "checkpoint_id": checkpoint_id},
        )
        event_record(thread.pk, None, "comment.created", comment_dict(comment))
    return comment


def comment_dict(comment: CheckpointComment) -> dict[str, Any]:
    """The wire form of a comment (API answers and the ``comment.created`` event)."""
    return {
        "id": comment.pk,
        "thread_id": str(comment.thread_id),
        "checkpoint_id": comment.checkpoint_id,
        "author": comment.author.get_username() if comment.author else None,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
    }
