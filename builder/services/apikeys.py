"""API keys: created once (the secret is shown then and never again), checked by hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.models import ApiKey, Workspace
from builder.services.audit import audit_record

KEY_PREFIX = "sy_"
PREFIX_LENGTH = 11  # "sy_" + 8 characters: enough to tell keys apart in a list


def hash_key(secret: str) -> str:
    """SHA-256 of the key: keys are long random strings, so no slow hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def apikey_create(
    *, user: Any, name: str = "", workspace: Workspace | None = None
) -> tuple[ApiKey, str]:
    """Create a key for ``user``; returns the row and the secret (not stored anywhere)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            user=user,
            workspace=workspace,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            hashed_key=hash_key(secret),
        )
        if workspace is not None:
            audit_record(
                workspace=workspace,
                actor=user,
                action="apikey.created",
                detail={"prefix": key.prefix},
            )
    return key, secret


def apikey_authenticate(secret: str) -> ApiKey | None:
    """The live key matching ``secret`` (recording its use), or None."""
    if not secret or not secret.startswith(KEY_PREFIX):
        return None
    digest = hash_key(secret)
    key = (
        ApiKey.objects.select_related("user")
        .filter(prefix=secret[:PREFIX_LENGTH], revoked_at__isnull=True)
        .filter(hashed_key=digest)
        .first()
    )
    if key is None or not hmac.compare_digest(key.hashed_key, digest):
        return None
    if not key.user.is_active:
        return None
    now = timezone.now()
    # Only write when it changes something visible: a busy key would otherwise write
    # on every request.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        key.last_used_at = now
        key.save(update_fields=["last_used_at"])
    return key


def apikey_revoke(*, key: ApiKey, actor: Any = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
