"""Reading a workspace's LLM provider credentials for a run, and the key that encrypts them.

Credentials are encrypted at rest with Fernet. The key is ``CREDENTIALS_KEY`` (a Fernet
key, from the environment) when set, else one derived from ``SECRET_KEY`` with HKDF: a
separate key lets SECRET_KEY rotate without losing the credentials, the derived one keeps
the embedded set-up free of extra knobs. Secrets leave this module only towards the run's
provider settings (``builder.services.credentials`` stores them and shows masked hints).
"""

from __future__ import annotations

import base64
import dataclasses
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from builder import netguard
from builder.models import ProviderCredential
from runtime.graphspec.registry import default_registry

logger = logging.getLogger(__name__)


class BaseUrlRefused(ValueError):
    """A provider base URL the server must not call (services turn it into a 422)."""


class CredentialUnreadable(Exception):
    """The secret cannot be decrypted (the key changed since it was stored)."""


def fernet() -> Fernet:
    explicit = settings.BUILDER.get("CREDENTIALS_KEY") or ""
    if explicit:
        return Fernet(explicit.encode())
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"switchyard provider credentials v1",
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def base_url_check(url: str, *, unresolvable_ok: bool = False) -> None:
    """Refuse a provider base URL the server must not call with a workspace's API key.

    Link-local addresses (cloud metadata services) never; private and loopback hosts only
    with ``LLM_ALLOW_PRIVATE_BASE_URL`` (local model servers such as Ollama); a public
    host only over https, so the key never travels unencrypted. Checked when the
    credential is saved and again before every request (DNS answers change). A host that
    does not resolve when saved (``unresolvable_ok``) is held to the public rules.
    """
    try:
        parts = netguard.split_url(url)
    except ValueError as exc:
        raise BaseUrlRefused(str(exc)) from None
    host = parts.hostname or ""
    literal = netguard.literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = netguard.resolve(host, netguard.port_of(parts))
        except OSError as exc:
            if not unresolvable_ok:
                raise BaseUrlRefused(f"cannot resolve {host} ({exc})") from None
            addresses = []
        if not addresses and not unresolvable_ok:
            raise BaseUrlRefused(f"{host} has no address")
    for address in addresses:
        if netguard.is_link_local(address):
            raise BaseUrlRefused(
                f"{host} is a link-local or metadata address ({address}): never allowed"
            )
    if all(netguard.is_public(a) for a in addresses):
        if parts.scheme != "https":
            raise BaseUrlRefused(
                f"{host} is a public host: use https, so the API key is not sent in clear"
            )
        return
    if not settings.BUILDER.get("LLM_ALLOW_PRIVATE_BASE_URL"):
        private = next(a for a in addresses if not netguard.is_public(a))
        raise BaseUrlRefused(
            f"{host} is a private, loopback or reserved address ({private}); "
            "set LLM_ALLOW_PRIVATE_BASE_URL to allow it (e.g. for a local model server)"
        )


def credential_secret(credential: ProviderCredential) -> str:
    """The decrypted secret (for the run's provider settings only)."""
    try:
        return fernet().decrypt(credential.secret_encrypted.encode()).decode()
    except InvalidToken as exc:
        raise CredentialUnreadable(
            f"credential {credential.name!r} cannot be decrypted: SECRET_KEY or "
            "CREDENTIALS_KEY changed since it was stored; store it again"
        ) from exc


def workspace_providers(workspace_id: int) -> dict[str, dict[str, Any]]:
    """``provider -> {"api_key", "base_url"}`` for a workspace, as the spec runtime's
    ``Registry(providers=...)`` wants it; the newest credential of a provider wins.

    Read eagerly, when the graph is loaded: node code runs in worker threads where an
    ORM query would open connections nobody closes.
    """
    found: dict[str, dict[str, Any]] = {}
    rows = ProviderCredential.objects.filter(workspace_id=workspace_id).order_by(
        "-created_at", "-pk"
    )
    for credential in rows:
        if credential.provider in found:
            continue
        try:
            settings_ = {"api_key": credential_secret(credential)}
        except CredentialUnreadable:
            logger.warning("skipping credential %s of workspace %s", credential.pk, workspace_id)
            continue
        if credential.base_url:
            settings_["base_url"] = credential.base_url
            settings_["url_check"] = base_url_check  # again before each request
        found[credential.provider] = settings_
    return found


def run_registry(workspace_id: int) -> Any:
    """The spec runtime's default registry, with this workspace's provider credentials
    (environment variables still apply to providers the workspace has none for)."""
    providers = workspace_providers(workspace_id)
    # The demo model's pace is the server's to set (FAKE_MODEL_TOKEN_SECONDS).
    fake = {"token_seconds": settings.BUILDER.get("FAKE_MODEL_TOKEN_SECONDS", 0)}
    providers["fake"] = {**fake, **providers.get("fake", {})}
    return dataclasses.replace(default_registry(), providers=providers)
