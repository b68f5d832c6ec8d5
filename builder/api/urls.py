"""Routes under /api/: builder resources (trailing slash) and the LangGraph-Server-
compatible ones (no trailing slash, exactly LangGraph Server's paths)."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from builder.api.errors import json_not_found
from builder.api.views import graphs, me, workspaces

app_name = "api"

builder_patterns = [
    path("me/", me.MeView.as_view(), name="me"),
    path("node-kinds/", me.NodeKindsView.as_view(), name="node-kinds"),
    path("validate/", me.ValidateView.as_view(), name="validate"),
    path("graphs/", graphs.GraphListView.as_view(), name="graphs"),
    path("graphs/import/", graphs.GraphImportView.as_view(), name="graph-import"),
    path("graphs/<str:graph_id>/", graphs.GraphDetailView.as_view(), name="graph"),
    path(
        "graphs/<str:graph_id>/validate/",
        graphs.GraphValidateView.as_view(),
        name="graph-validate",
    ),
    path("graphs/<str:graph_id>/versions/", graphs.VersionListView.as_view(), name="versions"),
    path(
        "graphs/<str:graph_id>/versions/<str:number>/",
        graphs.VersionDetailView.as_view(),
        name="version",
    ),
    path("graphs/<str:graph_id>/diff/", graphs.GraphDiffView.as_view(), name="graph-diff"),
    path("graphs/<str:graph_id>/export/", graphs.GraphExportView.as_view(), name="graph-export"),
    path("graphs/<str:graph_id>/mermaid/", graphs.GraphMermaidView.as_view(), name="graph-mermaid"),
    path("workspaces/", workspaces.WorkspaceListView.as_view(), name="workspaces"),
    path("workspaces/<slug:slug>/members/", workspaces.MemberListView.as_view(), name="members"),
    path(
        "workspaces/<slug:slug>/members/<str:username>/",
        workspaces.MemberDetailView.as_view(),
        name="member",
    ),
]

docs_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    *builder_patterns,
    *docs_patterns,
    # Anything else under /api/ answers a JSON 404 rather than Django's HTML page.
    re_path(r"^.*$", json_not_found),
]
