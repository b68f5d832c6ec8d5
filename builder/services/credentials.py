"""LLM provider credentials: stored encrypted (``builder.execution.credentials`` holds the
key and reads them for runs); every API answer carries the masked ``hint`` instead.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from builder.execution.credentials import BaseUrlRefused, fernet
from builder.execution.credentials import base_url_check as check_base_url
from builder.models import ProviderCredential, Workspace
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput

# Providers whose settings the spec runtime understands (runtime/providers/).
PROVIDERS = ("openai", "anthropic")
MAX_SECRET_LENGTH = 4096


def mask(secret: str) -> str:
    """What lists show: the secret's first and last few characters, never enough to use."""
    if len(secret) < 12:
        return "…" + secret[-2:] if len(secret) > 4 else "…"
    head = secret[:3]
    return f"{head}…{secret[-4:]}"


def credential_create(
    *,
    workspace: Workspace,
    provider: str,
    name: str,
    secret: str,
    base_url: str = "",
    user: Any = None,
) -> ProviderCredential:
    if provider not in PROVIDERS:
        raise InvalidInput(f"provider must be one of {', '.join(PROVIDERS)}, not {provider!r}")
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        raise InvalidInput(f"secret must be 1 to {MAX_SECRET_LENGTH} characters")
    if base_url:
        try:
            base_url_check(base_url, unresolvable_ok=True)
        except InvalidInput as exc:
            raise InvalidInput(f"base_url: {exc}") from None
    try:
        with transaction.atomic():
            credential = ProviderCredential.objects.create(
                workspace=workspace,
                provider=provider,
                name=name,
                secret_encrypted=fernet().encrypt(secret.encode()).decode(),
                hint=mask(secret),
                base_url=base_url,
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
            audit_record(
                workspace=workspace,
                actor=user,
                action="credential.created",
                detail={"credential_id": credential.pk, "provider": provider, "name": name},
            )
    except IntegrityError as exc:
        raise InvalidInput(f"a credential named {name!r} already exists here") from exc
    return credential


def credential_delete(*, credential: ProviderCredential, user: Any = None) -> None:
    with transaction.atomic():
        audit_record(
            workspace=credential.workspace_id,
            actor=user,
            action="credential.deleted",
            detail={"credential_id": credential.pk, "name": credential.name},
        )
        credential.delete()


def base_url_check(url: str, *, unresolvable_ok: bool = False) -> None:
    """Refuse a provider base URL the server must not call with a workspace's API key
    (see ``builder.execution.credentials.base_url_check``), as a 422."""
    try:
        check_base_url(url, unresolvable_ok=unresolvable_ok)
    except BaseUrlRefused as exc:
        raise InvalidInput(str(exc)) from None
