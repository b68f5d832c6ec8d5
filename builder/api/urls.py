"""Routes under /api/: builder resources (trailing slash) and the LangGraph-Server-
compatible ones (no trailing slash, exactly LangGraph Server's paths)."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from builder.api.errors import json_not_found, protocol_not_served
from builder.api.views import (
    graphs,
    lg_assistants,
    lg_bulk,
    lg_crons,
    lg_runs,
    lg_store,
    lg_threads,
    me,
    thread_list,
    workspaces,
)

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
        "workspaces/<slug:slug>/threads/",
        thread_list.WorkspaceThreadListView.as_view(),
        name="workspace-threads",
    ),
    path(
        "workspaces/<slug:slug>/members/<str:username>/",
        workspaces.MemberDetailView.as_view(),
        name="member",
    ),
]

# LangGraph Server's paths, exactly (no trailing slash): langgraph_sdk builds them.
T = "threads/<str:thread_id>"
R = f"{T}/runs/<str:run_id>"
compat_patterns = [
    path("info", me.InfoView.as_view(), name="info"),
    path("assistants", lg_assistants.AssistantCreateView.as_view(), name="assistants"),
    path("assistants/search", lg_assistants.AssistantSearchView.as_view()),
    path("assistants/count", lg_assistants.AssistantCountView.as_view()),
    path("assistants/<str:assistant_id>", lg_assistants.AssistantDetailView.as_view()),
    path("assistants/<str:assistant_id>/graph", lg_assistants.AssistantGraphView.as_view()),
    path("assistants/<str:assistant_id>/schemas", lg_assistants.AssistantSchemasView.as_view()),
    path("assistants/<str:assistant_id>/versions", lg_assistants.AssistantVersionsView.as_view()),
    path("assistants/<str:assistant_id>/latest", lg_assistants.AssistantLatestView.as_view()),
    path(
        "assistants/<str:assistant_id>/subgraphs",
        lg_assistants.AssistantSubgraphsView.as_view(),
    ),
    path(
        "assistants/<str:assistant_id>/subgraphs/<str:namespace>",
        lg_assistants.AssistantSubgraphView.as_view(),
    ),
    path("threads", lg_threads.ThreadCreateView.as_view(), name="threads"),
    path("threads/search", lg_threads.ThreadSearchView.as_view()),
    path("threads/count", lg_threads.ThreadCountView.as_view()),
    path("threads/prune", lg_bulk.ThreadPruneView.as_view()),
    path(T, lg_threads.ThreadDetailView.as_view()),
    path(f"{T}/copy", lg_threads.ThreadCopyView.as_view()),
    path(f"{T}/state", lg_threads.ThreadStateView.as_view()),
    path(f"{T}/state/checkpoint", lg_threads.ThreadStateCheckpointView.as_view()),
    path(f"{T}/state/<str:checkpoint_id>", lg_threads.ThreadStateAtView.as_view()),
    path(f"{T}/history", lg_threads.ThreadHistoryView.as_view()),
    path(f"{T}/stream", lg_runs.ThreadJoinStreamView.as_view()),
    path(f"{T}/stream/events", protocol_not_served),
    path(f"{T}/commands", protocol_not_served),
    path(f"{T}/runs", lg_runs.ThreadRunsView.as_view()),
    path(f"{T}/runs/crons", lg_crons.ThreadCronCreateView.as_view()),
    path(f"{T}/runs/stream", lg_runs.ThreadRunStreamView.as_view()),
    path(f"{T}/runs/wait", lg_runs.ThreadRunWaitView.as_view()),
    path(R, lg_runs.RunDetailView.as_view()),
    path(f"{R}/join", lg_runs.RunJoinView.as_view()),
    path(f"{R}/stream", lg_runs.RunJoinStreamView.as_view()),
    path(f"{R}/cancel", lg_runs.RunCancelView.as_view()),
    path("runs", lg_runs.StatelessRunsView.as_view()),
    path("runs/stream", lg_runs.StatelessRunStreamView.as_view()),
    path("runs/wait", lg_runs.StatelessRunWaitView.as_view()),
    path("runs/batch", lg_bulk.RunBatchView.as_view()),
    path("runs/cancel", lg_bulk.RunsCancelView.as_view()),
    path("runs/crons", lg_crons.CronCreateView.as_view()),
    path("runs/crons/search", lg_crons.CronSearchView.as_view()),
    path("runs/crons/count", lg_crons.CronCountView.as_view()),
    path("runs/crons/<str:cron_id>", lg_crons.CronDetailView.as_view()),
    path("runs/<str:run_id>/stream", lg_bulk.StatelessRunJoinStreamView.as_view()),
    path("store/items", lg_store.StoreItemsView.as_view()),
    path("store/items/search", lg_store.StoreSearchView.as_view()),
    path("store/namespaces", lg_store.StoreNamespacesView.as_view()),
]

docs_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    *builder_patterns,
    *compat_patterns,
    *docs_patterns,
    # Anything else under /api/ answers a JSON 404 rather than Django's HTML page.
    re_path(r"^.*$", json_not_found),
]
