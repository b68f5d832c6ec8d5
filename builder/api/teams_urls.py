"""Routes of the team endpoints (included under ``/api/`` before the API's catch-all)."""

from __future__ import annotations

from django.urls import path

from builder.api import teams

W = "workspaces/<slug:slug>"
T = "threads/<str:thread_id>"

urlpatterns = [
    path(f"{W}/invitations/", teams.InvitationListView.as_view(), name="invitations"),
    path(
        f"{W}/invitations/<int:invitation_id>/",
        teams.InvitationDetailView.as_view(),
        name="invitation",
    ),
    path(f"{W}/audit/", teams.WorkspaceAuditView.as_view(), name="workspace-audit"),
    path(f"{W}/credentials/", teams.CredentialListView.as_view(), name="credentials"),
    path(
        f"{W}/credentials/<int:credential_id>/",
        teams.CredentialDetailView.as_view(),
        name="credential",
    ),
    path(f"{W}/threads/import/", teams.ThreadImportView.as_view(), name="thread-import"),
    path("keys/", teams.ApiKeyListView.as_view(), name="apikeys"),
    path("keys/<int:key_id>/", teams.ApiKeyDetailView.as_view(), name="apikey"),
    path(f"{T}/share-links/", teams.ThreadShareLinksView.as_view(), name="share-links"),
    path("share-links/<int:link_id>/", teams.ShareLinkDetailView.as_view(), name="share-link"),
    path("share/<str:token>/thread/", teams.SharedThreadView.as_view(), name="shared-thread"),
    path(f"{T}/export/", teams.ThreadExportView.as_view(), name="thread-export"),
    path(f"{T}/comments/", teams.CommentListView.as_view(), name="comments"),
    path(f"{T}/audit/", teams.ThreadAuditView.as_view(), name="thread-audit"),
]
