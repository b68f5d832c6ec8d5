"""The caller, the node-kind catalog, and spec validation without a graph."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from builder.api.strict import StrictInput
from builder.api.views.base import ApiView, JSONObjectField


class MeView(ApiView):
    class WorkspaceOutput(serializers.Serializer):
        slug = serializers.CharField()
        name = serializers.CharField()
        role = serializers.CharField()

    class UserOutput(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.CharField()

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "user": UserOutput(),
                "workspaces": WorkspaceOutput(many=True),
            },
        )
    )
    def get(self, request: Any) -> Response:
        user = request.user
        workspaces = [
            {"slug": w.slug, "name": w.name, "role": self.scope.role(w)}
            for w in self.scope.workspaces().order_by("slug")
        ]
        return Response(
            {
                "user": {"id": user.pk, "username": user.get_username(), "email": user.email},
                "workspaces": self.WorkspaceOutput(workspaces, many=True).data,
            }
        )


class NodeKindsView(ApiView):
    class Output(serializers.Serializer):
        kind = serializers.CharField()
        title = serializers.CharField()
        description = serializers.CharField()
        config_schema = serializers.JSONField()
        inputs = serializers.JSONField()
        outputs = serializers.JSONField()

    @extend_schema(responses=Output(many=True))
    def get(self, request: Any) -> Response:
        from runtime.graphspec import catalog

        return Response(catalog())


class ProblemOutput(serializers.Serializer):
    pointer = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    code = serializers.CharField()


class ValidationOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemOutput(many=True)


def validation_result(spec: Any) -> dict[str, Any]:
    """Every problem of ``spec`` (errors and warnings), each with a JSON pointer."""
    from runtime.graphspec import validate_spec

    problems = [p.to_dict() for p in validate_spec(spec) or []]
    return {
        "valid": not any(p["severity"] == "error" for p in problems),
        "problems": problems,
    }


class ValidateView(ApiView):
    class Input(StrictInput):
        spec = JSONObjectField()

    @extend_schema(request=Input, responses=ValidationOutput)
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        return Response(validation_result(data["spec"]))


class InfoView(ApiView):
    """LangGraph Server's ``/info``: what this server supports (public, like theirs)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["system"],
        responses=inline_serializer(
            "Info", {"version": serializers.CharField(), "flags": serializers.DictField()}
        ),
        operation_id="info",
    )
    def get(self, request: Any) -> Response:
        return Response(
            {
                "version": "switchyard-0.1",
                "flags": {"assistants": True, "crons": False, "langsmith": False},
            }
        )
