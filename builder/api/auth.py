"""Authentication: a session (browser, CSRF enforced) or an ``X-Api-Key`` header."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions

from builder.services.apikeys import apikey_authenticate

API_KEY_HEADER = "X-Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``X-Api-Key: sy_...``: the key's user, with ``request.auth`` the ApiKey row.

    A present but unknown or revoked key is an error (401) rather than falling back to
    anonymous: a script with a stale key should hear about it.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        secret = request.headers.get(API_KEY_HEADER)
        if not secret:
            return None
        key = apikey_authenticate(secret.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("invalid or revoked API key")
        return key.user, key

    def authenticate_header(self, request: Any) -> str:
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return API_KEY_HEADER


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication: CSRF is enforced for logged-in unsafe requests."""


def api_key_of(request: Any) -> Any:
    """The ApiKey a request authenticated with, or None (session)."""
    from builder.models import ApiKey

    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None
