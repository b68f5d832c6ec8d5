"""Team endpoints: invitations, API keys, share links, thread export/import, comments,
the audit trail and provider credentials.

Views parse and authorise through ``Scope`` (which asks ``builder.permissions``), call
one service, and answer. Secrets (invitation and share tokens, API keys) appear in the
answer to the POST that creates them and never again; credentials never appear at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from builder import permissions
from builder.api.errors import ApiError, not_found
from builder.api.pagination import BuilderCursorPagination, IdCursorPagination, paginated
from builder.api.strict import StrictInput
from builder.api.views.base import ApiView
from builder.models import ApiKey, Invitation, ProviderCredential, Role, ShareLink
from builder.selectors import teams as team_reads
from builder.services import apikeys, credentials, sharing, teams, thread_transfer
from builder.services.errors import InvalidInput


def _page(view: ApiView, queryset: Any, render: Any, paginator: Any = None) -> Response:
    paginator = paginator or IdCursorPagination()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response([render(item) for item in page])


# The most seconds a timedelta holds: beyond it the conversion overflows (a 500); the
# services then refuse what is longer than they allow, with their own message.
MAX_SECONDS = int(dt.timedelta.max.total_seconds())


def _seconds(value: int | None) -> dt.timedelta | None:
    return dt.timedelta(seconds=value) if value else None


# --- the schema of the answers (for /api/schema/ and /api/docs/) -----------------------


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_by = serializers.CharField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class InvitationCreatedOutput(InvitationOutput):
    token = serializers.CharField(help_text="shown once")
    url = serializers.URLField()


class ApiKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    workspace = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(help_text="the secret, shown once")


class ShareLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    thread_id = serializers.UUIDField()
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    live = serializers.BooleanField()


class ShareLinkCreatedOutput(ShareLinkOutput):
    token = serializers.CharField(help_text="shown once")
    url = serializers.URLField()


class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    thread_id = serializers.UUIDField()
    checkpoint_id = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class AuditEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    thread_id = serializers.CharField(allow_null=True)
    detail = serializers.JSONField()
    created_at = serializers.DateTimeField()


class CredentialOutput(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.ChoiceField(choices=credentials.PROVIDERS)
    name = serializers.CharField()
    hint = serializers.CharField(help_text="the secret masked; the secret is never returned")
    base_url = serializers.CharField(allow_blank=True)
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class ThreadImportedOutput(serializers.Serializer):
    thread_id = serializers.UUIDField()
    workspace = serializers.CharField()


TAGS = ["team"]
NO_CONTENT = {204: None}


# --- invitations ------------------------------------------------------------------------


def invitation_dict(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "workspace": invitation.workspace.slug,
        "role": invitation.role,
        "created_by": invitation.created_by.get_username() if invitation.created_by else None,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "accepted_by": invitation.accepted_by.get_username() if invitation.accepted_by else None,
        "accepted_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
        "revoked_at": invitation.revoked_at.isoformat() if invitation.revoked_at else None,
    }


class InvitationListView(ApiView):
    class Input(StrictInput):
        role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)
        expires_in = serializers.IntegerField(
            required=False,
            min_value=60,
            max_value=MAX_SECONDS,
            help_text="seconds (default 7 days, at most 90)",
        )

    @extend_schema(tags=TAGS, responses=paginated("InvitationPage", InvitationOutput))
    def get(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        rows = Invitation.objects.filter(workspace=workspace).select_related(
            "workspace", "created_by", "accepted_by"
        )
        return _page(self, rows, invitation_dict)

    @extend_schema(tags=TAGS, request=Input, responses={201: InvitationCreatedOutput})
    def post(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        data = self.parse(self.Input)
        invitation, token = teams.invitation_create(
            workspace=workspace,
            role=data["role"],
            user=request.user,
            expires_in=_seconds(data.get("expires_in")),
        )
        url = request.build_absolute_uri(f"/invite/{token}/")
        body = {**invitation_dict(invitation), "token": token, "url": url}
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetailView(ApiView):
    @extend_schema(tags=TAGS, responses=NO_CONTENT)
    def delete(self, request: Any, slug: str, invitation_id: int) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        invitation = Invitation.objects.filter(workspace=workspace, pk=invitation_id).first()
        if invitation is None:
            raise not_found(f"invitation {invitation_id}")
        teams.invitation_revoke(invitation=invitation, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- API keys ---------------------------------------------------------------------------


def apikey_dict(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "workspace": key.workspace.slug if key.workspace else None,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def _own_keys(view: ApiView) -> Any:
    keys = ApiKey.objects.filter(user=view.request.user).select_related("workspace")
    limited = view.scope.api_key
    if limited is not None and limited.workspace_id is not None:
        keys = keys.filter(workspace_id=limited.workspace_id)
    return keys


class ApiKeyListView(ApiView):
    """The caller's own keys. A request made with a workspace-limited key sees and makes
    only keys limited to that workspace: a key must not mint a broader one."""

    class Input(StrictInput):
        name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        workspace = serializers.CharField(required=False, allow_null=True)

    @extend_schema(tags=TAGS, responses=paginated("ApiKeyPage", ApiKeyOutput))
    def get(self, request: Any) -> Response:
        return _page(self, _own_keys(self), apikey_dict)

    @extend_schema(tags=TAGS, request=Input, responses={201: ApiKeyCreatedOutput})
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        workspace = self.scope.workspace(data["workspace"]) if data.get("workspace") else None
        limited = self.scope.api_key
        if workspace is None and limited is not None and limited.workspace_id is not None:
            raise ApiError(
                "this API key is limited to one workspace; name that workspace",
                code="permission_denied",
                status_code=403,
            )
        key, secret = apikeys.apikey_create(
            user=request.user, name=data["name"], workspace=workspace
        )
        return Response({**apikey_dict(key), "key": secret}, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(ApiView):
    @extend_schema(tags=TAGS, responses=NO_CONTENT)
    def delete(self, request: Any, key_id: int) -> Response:
        key = _own_keys(self).filter(pk=key_id).first()
        if key is None:
            raise not_found(f"API key {key_id}")
        apikeys.apikey_revoke(key=key, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- share links ------------------------------------------------------------------------


def sharelink_dict(link: ShareLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "thread_id": str(link.thread_id),
        "created_by": link.created_by.get_username() if link.created_by else None,
        "created_at": link.created_at.isoformat(),
        "expires_at": link.expires_at.isoformat() if link.expires_at else None,
        "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
        "live": sharing.sharelink_live(link),
    }


class ThreadShareLinksView(ApiView):
    class Input(StrictInput):
        expires_in = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=60,
            max_value=MAX_SECONDS,
            help_text="seconds; empty: never",
        )

    @extend_schema(tags=TAGS, responses=paginated("ShareLinkPage", ShareLinkOutput))
    def get(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "edit")
        links = ShareLink.objects.filter(thread=thread).select_related("created_by")
        return _page(self, links, sharelink_dict)

    @extend_schema(tags=TAGS, request=Input, responses={201: ShareLinkCreatedOutput})
    def post(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "edit")
        data = self.parse(self.Input)
        link, token = sharing.sharelink_create(
            thread=thread, user=request.user, expires_in=_seconds(data.get("expires_in"))
        )
        url = request.build_absolute_uri(f"/share/{token}/")
        body = {**sharelink_dict(link), "token": token, "url": url}
        return Response(body, status=status.HTTP_201_CREATED)


class ShareLinkDetailView(ApiView):
    @extend_schema(tags=TAGS, responses=NO_CONTENT)
    def delete(self, request: Any, link_id: int) -> Response:
        link = (
            ShareLink.objects.filter(pk=link_id, thread__workspace__in=self.scope.workspaces())
            .select_related("thread")
            .first()
        )
        if link is None:
            raise not_found(f"share link {link_id}")
        role = self.scope.role(link.thread.workspace_id)
        if not permissions.may_revoke_share_link(
            role, created_it=link.created_by_id == request.user.pk
        ):
            raise ApiError(
                "only the workspace's owners and the link's creator can revoke it",
                code="permission_denied",
                status_code=403,
            )
        sharing.sharelink_revoke(link=link, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedThreadView(ApiView):
    """``GET /api/share/<token>/thread/``: the shared thread, read-only, for anyone with
    the token (no account). Resolved on every request, so revocation is immediate."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        tags=TAGS,
        auth=[],
        responses=OpenApiTypes.OBJECT,
        description="the thread's state, history and events as the share page shows them",
    )
    def get(self, request: Any, token: str) -> Response:
        thread = sharing.sharelink_resolve(token)
        if thread is None:
            raise ApiError(
                "this share link does not exist, was revoked or has expired",
                code="not_found",
                status_code=404,
            )
        response = Response(team_reads.shared_thread(thread))
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response


# --- export / import --------------------------------------------------------------------


class ThreadExportView(ApiView):
    @extend_schema(
        tags=TAGS,
        responses=OpenApiTypes.OBJECT,
        description="an export document (POST it to /api/workspaces/{slug}/threads/import/)",
    )
    def get(self, request: Any, thread_id: str) -> JsonResponse:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "read")
        document = thread_transfer.thread_export(thread=thread)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="thread-{thread.pk}.json"'
        return response


class ThreadImportView(ApiView):
    @extend_schema(
        tags=TAGS,
        request=OpenApiTypes.OBJECT,
        responses={201: ThreadImportedOutput},
        description="the body is an export document",
    )
    def post(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        # Importing may create a graph in the workspace: that is an editor's right.
        self.scope.require(workspace, "edit")
        thread = thread_transfer.thread_import(
            workspace=workspace, document=request.data, user=request.user
        )
        return Response(
            {"thread_id": str(thread.pk), "workspace": workspace.slug},
            status=status.HTTP_201_CREATED,
        )


# --- comments ---------------------------------------------------------------------------


class CommentListView(ApiView):
    class Input(StrictInput):
        checkpoint_id = serializers.CharField(max_length=64)
        body = serializers.CharField(max_length=4000, trim_whitespace=True)

    class Filter(serializers.Serializer):
        checkpoint_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("checkpoint_id", str)],
        responses=paginated("CommentPage", CommentOutput),
    )
    def get(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "read")
        filters = self.query(self.Filter)
        comments = team_reads.comment_list(
            thread=thread, checkpoint_id=filters.get("checkpoint_id", "")
        )
        return _page(self, comments, teams.comment_dict)

    @extend_schema(tags=TAGS, request=Input, responses={201: CommentOutput})
    def post(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        data = self.parse(self.Input)
        comment = teams.comment_create(
            thread=thread, checkpoint_id=data["checkpoint_id"], body=data["body"], user=request.user
        )
        return Response(teams.comment_dict(comment), status=status.HTTP_201_CREATED)


# --- audit ------------------------------------------------------------------------------


class AuditFilter(serializers.Serializer):
    action = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    actor = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


AUDIT_SCHEMA = extend_schema(
    tags=TAGS,
    parameters=[OpenApiParameter("action", str), OpenApiParameter("actor", str)],
    responses=paginated("AuditPage", AuditEntryOutput),
)


class ThreadAuditView(ApiView):
    @AUDIT_SCHEMA
    def get(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "read")
        filters = self.query(AuditFilter)
        entries = team_reads.audit_list(workspace_id=thread.workspace_id, thread=thread, **filters)
        return _page(self, entries, team_reads.audit_dict, BuilderCursorPagination())


class WorkspaceAuditView(ApiView):
    @AUDIT_SCHEMA
    def get(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        filters = self.query(AuditFilter)
        entries = team_reads.audit_list(workspace_id=workspace.pk, **filters)
        return _page(self, entries, team_reads.audit_dict, BuilderCursorPagination())


# --- provider credentials ---------------------------------------------------------------


def credential_dict(credential: ProviderCredential) -> dict[str, Any]:
    # Deliberately no secret member, not even encrypted: only the masked hint.
    return {
        "id": credential.pk,
        "provider": credential.provider,
        "name": credential.name,
        "hint": credential.hint,
        "base_url": credential.base_url,
        "created_by": credential.created_by.get_username() if credential.created_by else None,
        "created_at": credential.created_at.isoformat(),
    }


class CredentialListView(ApiView):
    class Input(StrictInput):
        provider = serializers.ChoiceField(choices=credentials.PROVIDERS)
        name = serializers.CharField(max_length=100)
        secret = serializers.CharField(max_length=credentials.MAX_SECRET_LENGTH, write_only=True)
        base_url = serializers.URLField(
            max_length=500, required=False, allow_blank=True, default=""
        )

        def validate_base_url(self, value: str) -> str:
            if value:
                try:
                    credentials.base_url_check(value, unresolvable_ok=True)
                except InvalidInput as exc:
                    raise serializers.ValidationError(str(exc)) from None
            return value

    @extend_schema(tags=TAGS, responses=paginated("CredentialPage", CredentialOutput))
    def get(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        rows = ProviderCredential.objects.filter(workspace=workspace).select_related("created_by")
        return _page(self, rows, credential_dict)

    @extend_schema(tags=TAGS, request=Input, responses={201: CredentialOutput})
    def post(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        data = self.parse(self.Input)
        credential = credentials.credential_create(workspace=workspace, user=request.user, **data)
        return Response(credential_dict(credential), status=status.HTTP_201_CREATED)


class CredentialDetailView(ApiView):
    @extend_schema(tags=TAGS, responses=NO_CONTENT)
    def delete(self, request: Any, slug: str, credential_id: int) -> Response:
        workspace = self.scope.workspace(slug)
        self.scope.require(workspace, "manage")
        credential = ProviderCredential.objects.filter(
            workspace=workspace, pk=credential_id
        ).first()
        if credential is None:
            raise not_found(f"credential {credential_id}")
        credentials.credential_delete(credential=credential, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
