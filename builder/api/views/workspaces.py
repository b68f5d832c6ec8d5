"""Workspaces the caller belongs to, and their members (managed by owners)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.errors import not_found
from builder.api.pagination import IdCursorPagination, SlugCursorPagination, paginated
from builder.api.strict import StrictInput
from builder.api.views.base import ApiView
from builder.models import Membership, Role
from builder.services import api_graphs


class WorkspaceOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class MemberOutput(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email")
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class WorkspaceListView(ApiView):
    @extend_schema(responses=paginated("WorkspacePage", WorkspaceOutput))
    def get(self, request: Any) -> Response:
        paginator = SlugCursorPagination()
        page = paginator.paginate_queryset(self.scope.workspaces(), request, view=self)
        for workspace in page:
            workspace.role = self.scope.role(workspace)
        return paginator.get_paginated_response(WorkspaceOutput(page, many=True).data)


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise not_found(f"user {username!r}")
    return user


class MemberListView(ApiView):
    class Input(StrictInput):
        username = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(responses=paginated("MemberPage", MemberOutput))
    def get(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        members = Membership.objects.filter(workspace=workspace).select_related("user")
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(members, request, view=self)
        return paginator.get_paginated_response(MemberOutput(page, many=True).data)

    @extend_schema(request=Input, responses={201: MemberOutput})
    def post(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        data = self.parse(self.Input)
        membership = api_graphs.membership_change(
            workspace=workspace, user=_user(data["username"]), role=data["role"], actor=request.user
        )
        return Response(MemberOutput(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(ApiView):
    class Input(StrictInput):
        role = serializers.ChoiceField(choices=Role.choices)

    def _membership(self, slug: str, username: str) -> Membership:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        found = (
            Membership.objects.filter(workspace=workspace, user__username=username)
            .select_related("user", "workspace")
            .first()
        )
        if found is None:
            raise not_found(f"member {username!r}")
        return found

    @extend_schema(request=Input, responses=MemberOutput)
    def patch(self, request: Any, slug: str, username: str) -> Response:
        membership = self._membership(slug, username)
        data = self.parse(self.Input)
        membership = api_graphs.membership_change(
            workspace=membership.workspace,
            user=membership.user,
            role=data["role"],
            actor=request.user,
        )
        return Response(MemberOutput(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Any, slug: str, username: str) -> Response:
        membership = self._membership(slug, username)
        api_graphs.membership_remove(
            workspace=membership.workspace, user=membership.user, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
