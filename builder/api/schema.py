"""OpenAPI generation tweaks (drf-spectacular)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class ApiAutoSchema(AutoSchema):
    """Names nested serializers after their owner (``GraphListView.Input`` becomes
    ``GraphListInput``): views keep short ``Input``/``Output`` names without the
    schema's components colliding."""

    def get_operation_id(self) -> str:
        """``<view in snake case>_<method>``: unique per operation, readable in clients."""
        name = self.view.__class__.__name__.removesuffix("View")
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        return f"{snake}_{self.method.lower()}"

    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        cls = serializer.__class__
        owner, _, _ = cls.__qualname__.rpartition(".")
        if owner:
            return owner.split(".")[-1].removesuffix("View") + cls.__name__
        return super().get_serializer_name(serializer, direction)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "builder.api.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "X-Api-Key"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "builder.api.auth.SessionAuthentication"
    name = "SessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class CustomAuthScheme(OpenApiAuthenticationExtension):
    """langgraph.json's auth handler: whatever it reads, usually a bearer token."""

    target_class = "builder.api.custom_auth.CustomAuthentication"
    name = "CustomAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
