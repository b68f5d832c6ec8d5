"""Open websockets follow access changes: a membership added, changed or removed, an
API key revoked or deleted, a user deactivated or deleted.

A socket checks access when it opens and every action re-checks it, but without this the
stream of a thread's events would keep flowing to someone removed from the workspace
until the socket reconnected. Every socket therefore also follows its user's group
(``user.<id>``); these changes publish ``access.changed`` there once committed, and the
sockets (in every web process) re-check and close with 4403 when access is gone.

The changes are caught with model signals rather than by calling this from each service:
membership rows change in several services (workspaces, invitations, the members API),
in the admin, and through cascades (a workspace or a user deleted), and a socket must
hear of every one of them. ``QuerySet.update()`` sends no signal: do not use it on these
rows without calling ``access_changed`` yourself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from builder.eventlog import group_publish
from builder.models import ApiKey, Membership

ACCESS_CHANGED = "access.changed"
# User fields that change what a user may see (last_login and the like do not).
_USER_ACCESS_FIELDS = frozenset({"is_active", "is_superuser"})


def user_group(user_id: Any) -> str:
    """The channel-layer group followed by every open socket of the user."""
    return f"user.{user_id}"


def access_changed(user_id: Any) -> None:
    """Tell the user's open sockets to re-check their access, once the change commits
    (a rolled-back change tells nobody; outside a transaction it is sent at once)."""
    if user_id is None:
        return
    transaction.on_commit(
        lambda: group_publish(user_group(user_id), {"type": ACCESS_CHANGED}), robust=True
    )


def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    # Added and upgraded memberships are announced too: the inbox socket then follows
    # the new workspace at once instead of on its next connection.
    access_changed(instance.user_id)


def _apikey_saved(sender: Any, instance: ApiKey, update_fields: Any = None, **_: Any) -> None:
    # A key is saved on use (last_used_at); only its revocation matters to sockets.
    if instance.revoked_at is not None and (update_fields is None or "revoked_at" in update_fields):
        access_changed(instance.user_id)


def _apikey_deleted(sender: Any, instance: ApiKey, **kwargs: Any) -> None:
    access_changed(instance.user_id)


def _user_saved(
    sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **_: Any
) -> None:
    if created:  # a new user has no sockets yet
        return
    if update_fields is None or _USER_ACCESS_FIELDS & set(update_fields):
        access_changed(instance.pk)


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    access_changed(instance.pk)


def connect_signals() -> None:
    """Called once from ``BuilderConfig.ready``."""
    user_model = get_user_model()
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="access.m.saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="access.m.deleted")
    post_save.connect(_apikey_saved, sender=ApiKey, dispatch_uid="access.apikey.saved")
    post_delete.connect(_apikey_deleted, sender=ApiKey, dispatch_uid="access.apikey.deleted")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="access.user.saved")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="access.user.deleted")
