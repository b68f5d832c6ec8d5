"""langgraph.json's ``auth``: a custom authentication handler for the API.

The GRAPHS_CONFIG file may name one, as LangGraph Server reads it:
``{"auth": {"path": "./auth.py:auth"}}`` (or ``"auth": "./auth.py:auth"``), the variable
a ``langgraph_sdk.Auth`` whose ``@auth.authenticate`` function is the handler, or that
function itself. It is called for API requests that carry neither a session nor an
``X-Api-Key`` (a browser app's ``Authorization: Bearer ...``), with the arguments it
names among ``authorization``, ``headers`` (bytes to bytes, as LangGraph passes them),
``method``, ``path``, ``query_params``, ``path_params`` and ``body``.

It returns the caller's identity: a string, or a dict / object with ``identity``. The
identity is a Switchyard username; what that user may do is its workspace roles. An
``Auth`` with ``@auth.on`` authorization handlers is refused at start-up: Switchyard
authorizes by workspace roles, and a handler that silently did nothing would be worse.
Raising ``Auth.exceptions.HTTPException`` (401 or 403) refuses the request with its detail.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import inspect
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from rest_framework import authentication, exceptions

ARGUMENTS = ("authorization", "headers", "method", "path", "query_params", "path_params", "body")


def _auth_reference(config_path: Path) -> str | None:
    data = json.loads(config_path.read_text("utf-8"))
    auth = data.get("auth") if isinstance(data, dict) else None
    if auth is None or isinstance(auth, str):
        return auth
    if isinstance(auth, dict) and isinstance(auth.get("path"), str):
        return auth["path"]
    raise ImproperlyConfigured(f'{config_path}: "auth" needs a "path": "file.py:variable"')


@functools.cache
def auth_handler() -> Any:
    """The configured authenticate function, or None when GRAPHS_CONFIG names none."""
    config = settings.BUILDER.get("GRAPHS_CONFIG")
    if not config:
        return None
    config_path = Path(config)
    reference = _auth_reference(config_path)
    if not reference:
        return None
    file, _, variable = reference.rpartition(":")
    if not file or not variable:
        raise ImproperlyConfigured(f'{config_path}: auth path {reference!r} is not "file.py:var"')
    target = getattr(_load((config_path.resolve().parent / file).resolve()), variable, None)
    if target is None:
        raise ImproperlyConfigured(f"{config_path}: {file} has no {variable!r} for auth")
    if getattr(target, "_handlers", None) or getattr(target, "_global_handlers", None):
        raise ImproperlyConfigured(
            f"{config_path}: @auth.on authorization handlers are not supported; Switchyard "
            "authorizes by workspace roles (give each identity's user a role instead)"
        )
    handler = getattr(target, "_authenticate_handler", target)
    if not callable(handler):
        raise ImproperlyConfigured(f"{config_path}: {reference} has no @auth.authenticate")
    return handler


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("switchyard_auth", path)
    if spec is None or spec.loader is None:
        raise ImproperlyConfigured(f"auth: {path} cannot be imported as a module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _arguments(handler: Any, request: Any) -> dict[str, Any]:
    wanted = inspect.signature(handler).parameters
    values = {
        "authorization": request.headers.get("Authorization"),
        "headers": {k.lower().encode(): v.encode() for k, v in request.headers.items()},
        "method": request.method,
        "path": request.path,
        "query_params": dict(request.query_params.items()),
        "path_params": dict(getattr(request, "parser_context", {}).get("kwargs") or {}),
        "body": None,
    }
    return {name: values[name] for name in wanted if name in ARGUMENTS}


def _identity(result: Any) -> str | None:
    if result is None or isinstance(result, str):
        return result
    if isinstance(result, tuple) and len(result) == 2:  # (permissions, user)
        return _identity(result[1])
    if isinstance(result, dict):
        return result.get("identity")
    return getattr(result, "identity", None)


class CustomAuthentication(authentication.BaseAuthentication):
    """Runs the langgraph.json auth handler (when there is one) for requests without a
    session or API key; the identity it returns is the user's username."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        handler = auth_handler()
        if handler is None:
            return None
        try:
            result = handler(**_arguments(handler, request))
            if inspect.isawaitable(result):
                result = asyncio.run(_awaited(result))
        except Exception as exc:
            status = getattr(exc, "status_code", None)
            if status in (401, 403):
                detail = getattr(exc, "detail", None) or "Unauthorized"
                raise (
                    exceptions.PermissionDenied(detail)
                    if status == 403
                    else exceptions.AuthenticationFailed(detail)
                ) from None
            raise
        identity = _identity(result)
        if not identity:
            return None
        user = get_user_model().objects.filter(username=identity, is_active=True).first()
        if user is None:
            raise exceptions.AuthenticationFailed(
                f"the auth handler's identity {identity!r} is no Switchyard user: create the "
                "user and give it a role in a workspace"
            )
        return user, None

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"


async def _awaited(result: Any) -> Any:
    return await result
