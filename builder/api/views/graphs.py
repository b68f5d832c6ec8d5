"""Graphs: list/create, read/save (optimistic concurrency)/delete, validate, versions,
diff, export/import and Mermaid."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.diff import spec_diff
from builder.api.errors import ApiError, not_found
from builder.api.limits import MAX_DESCRIPTION, MAX_NAME, MAX_NOTE
from builder.api.pagination import IdCursorPagination, NumberCursorPagination, paginated
from builder.api.strict import StrictInput
from builder.api.views.base import ApiView, JSONObjectField
from builder.api.views.me import ValidationOutput, validation_result
from builder.models import Graph, GraphSource, GraphVersion
from builder.selectors.graphs import (
    graph_code_spec,
    graph_list,
    graph_version_latest,
    graph_version_list,
)
from builder.services import api_assistants, api_graphs
from builder.services.api_assistants import assistant_default
from builder.services.errors import ReadOnlyGraph
from builder.services.graphs import graph_create, graph_import, graph_version_publish

EXPORT_FORMAT = "switchyard.graph"


class GraphOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    workspace = serializers.CharField(source="workspace.slug")
    source = serializers.CharField()
    code_ref = serializers.CharField()
    draft_revision = serializers.IntegerField()
    latest_version = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_latest_version(self, graph: Graph) -> int | None:
        latest = graph_version_latest(graph=graph)
        return latest.number if latest else None


class GraphDetailOutput(GraphOutput):
    spec = serializers.JSONField(source="draft")


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    note = serializers.CharField()
    author = serializers.CharField(source="author.username", default=None)
    created_at = serializers.DateTimeField()


class VersionDetailOutput(VersionOutput):
    spec = serializers.JSONField()


class GraphListView(ApiView):
    class FilterInput(serializers.Serializer):
        workspace = serializers.CharField(required=False)

    class Input(StrictInput):
        workspace = serializers.CharField(required=False, help_text="workspace slug")
        name = serializers.CharField(max_length=MAX_NAME)
        slug = serializers.SlugField(max_length=100, required=False)
        description = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=MAX_DESCRIPTION
        )
        spec = JSONObjectField(required=False)

    @extend_schema(
        parameters=[OpenApiParameter("workspace", str, description="workspace slug")],
        responses=paginated("GraphPage", GraphOutput),
    )
    def get(self, request: Any) -> Response:
        filters = self.query(self.FilterInput)
        workspace_id = None
        if filters.get("workspace"):
            workspace_id = self.scope.workspace(filters["workspace"]).pk
        # GRAPHS_CONFIG graphs appear in every workspace without a prior assistants call.
        api_assistants.code_graphs_ensure(
            workspaces=self.scope.workspaces().filter(
                **({"pk": workspace_id} if workspace_id else {})
            ),
            user=request.user,
        )
        graphs = graph_list(
            user=request.user, api_key=self.scope.api_key, workspace_id=workspace_id
        )
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(graphs, request, view=self)
        return paginator.get_paginated_response(GraphOutput(page, many=True).data)

    @extend_schema(request=Input, responses={201: GraphDetailOutput})
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        workspace = (
            self.scope.workspace(data["workspace"])
            if data.get("workspace")
            else self.scope.default_workspace("edit")
        )
        self.scope.require(workspace, "edit")
        graph = graph_create(
            workspace=workspace,
            name=data["name"],
            slug=data.get("slug", ""),
            description=data["description"],
            spec=data.get("spec"),
            user=request.user,
        )
        assistant_default(graph=graph)
        return Response(GraphDetailOutput(graph).data, status=status.HTTP_201_CREATED)


class GraphDetailView(ApiView):
    class Input(StrictInput):
        spec = JSONObjectField(required=False)
        draft_revision = serializers.IntegerField(required=False, min_value=1)
        name = serializers.CharField(max_length=MAX_NAME, required=False)
        description = serializers.CharField(
            required=False, allow_blank=True, max_length=MAX_DESCRIPTION
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "spec" in attrs and "draft_revision" not in attrs:
                raise serializers.ValidationError(
                    {"draft_revision": ["the revision the edit is based on is required"]}
                )
            return attrs

    @extend_schema(responses=GraphDetailOutput)
    def get(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        body = GraphDetailOutput(graph).data
        if graph.source == GraphSource.CODE:
            body["spec"] = graph_code_spec(graph=graph)  # a picture for the read-only canvas
        return Response(body)

    @extend_schema(request=Input, responses={200: GraphDetailOutput, 409: dict})
    def patch(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        self.scope.require(graph.workspace, "edit")
        data = self.parse(self.Input)
        graph = api_graphs.graph_save(
            graph=graph,
            user=request.user,
            spec=data.get("spec"),
            draft_revision=data.get("draft_revision"),
            name=data.get("name"),
            description=data.get("description"),
        )
        return Response(GraphDetailOutput(graph).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        self.scope.require(graph.workspace, "edit")
        api_graphs.graph_delete(graph=graph, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GraphValidateView(ApiView):
    class Input(StrictInput):
        spec = JSONObjectField(required=False, help_text="default: the graph's draft")

    @extend_schema(request=Input, responses=ValidationOutput)
    def post(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        data = self.parse(self.Input)
        if graph.source == GraphSource.CODE:
            # Its spec is only a picture of the Python graph: nothing in it to fix.
            return Response({"valid": True, "problems": []})
        spec = data.get("spec")
        return Response(validation_result(spec if spec is not None else graph.draft))


class VersionListView(ApiView):
    class Input(StrictInput):
        note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=MAX_NOTE
        )

    @extend_schema(responses=paginated("VersionPage", VersionOutput))
    def get(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        paginator = NumberCursorPagination()
        page = paginator.paginate_queryset(graph_version_list(graph=graph), request, view=self)
        return paginator.get_paginated_response(VersionOutput(page, many=True).data)

    @extend_schema(request=Input, responses={201: VersionDetailOutput})
    def post(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        self.scope.require(graph.workspace, "edit")
        if graph.source == GraphSource.CODE:
            raise ReadOnlyGraph(graph.pk, "published (it runs its Python source)")
        data = self.parse(self.Input)
        version = graph_version_publish(graph=graph, user=request.user, note=data["note"])
        return Response(VersionDetailOutput(version).data, status=status.HTTP_201_CREATED)


def _version(graph: Graph, number: Any) -> GraphVersion:
    found = (
        graph.versions.filter(number=number).first()
        if str(number).isascii() and str(number).isdigit()
        else None
    )
    if found is None:
        raise not_found(f"version {number} of graph {graph.pk}")
    return found


class VersionDetailView(ApiView):
    @extend_schema(responses=VersionDetailOutput)
    def get(self, request: Any, graph_id: str, number: int) -> Response:
        graph = self.scope.graph(graph_id)
        return Response(VersionDetailOutput(_version(graph, number)).data)


class GraphDiffView(ApiView):
    class Input(serializers.Serializer):
        from_ = serializers.CharField(help_text="a version number or 'draft'")
        to = serializers.CharField(help_text="a version number or 'draft'")

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="version number or draft"),
            OpenApiParameter("to", str, required=True, description="version number or draft"),
        ],
        responses=inline_serializer(
            "GraphDiff",
            {
                "from": serializers.CharField(),
                "to": serializers.CharField(),
                "diff": serializers.JSONField(),
            },
        ),
    )
    def get(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        params = request.query_params.dict()
        if "from" in params:
            params["from_"] = params.pop("from")
        data = self.parse(self.Input, params)

        def spec_of(ref: str) -> dict[str, Any]:
            return graph.draft if ref == "draft" else _version(graph, ref).spec

        diff = spec_diff(spec_of(data["from_"]), spec_of(data["to"]))
        return Response({"from": data["from_"], "to": data["to"], "diff": diff})


class GraphExportOutput(serializers.Serializer):
    format = serializers.CharField()
    format_version = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    spec = serializers.JSONField()


class GraphExportView(ApiView):
    class Input(serializers.Serializer):
        version = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="default: the draft")],
        responses=GraphExportOutput,
    )
    def get(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        data = self.query(self.Input)
        version = _version(graph, data["version"]) if data.get("version") else None
        body = {
            "format": EXPORT_FORMAT,
            "format_version": 1,
            "slug": graph.slug,
            "name": graph.name,
            "description": graph.description,
            "version": version.number if version else None,
            "spec": version.spec if version else graph.draft,
        }
        response = Response(GraphExportOutput(body).data)
        response["Content-Disposition"] = f'attachment; filename="{graph.slug}.graph.json"'
        return response


class GraphImportView(ApiView):
    class Input(StrictInput):
        workspace = serializers.CharField(required=False)
        spec = JSONObjectField()
        slug = serializers.SlugField(max_length=100, required=False)
        name = serializers.CharField(required=False, max_length=MAX_NAME)
        description = serializers.CharField(
            required=False, allow_blank=True, max_length=MAX_DESCRIPTION
        )
        publish = serializers.BooleanField(default=False)
        note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=MAX_NOTE
        )
        # Accepted so that an export document can be posted back unchanged.
        format = serializers.CharField(required=False)
        format_version = serializers.IntegerField(required=False)
        version = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(request=Input, responses={201: GraphDetailOutput})
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        if data.get("format") not in (None, EXPORT_FORMAT):
            raise ApiError(f"unknown format {data['format']!r}", status_code=422)
        workspace = (
            self.scope.workspace(data["workspace"])
            if data.get("workspace")
            else self.scope.default_workspace("edit")
        )
        self.scope.require(workspace, "edit")
        spec = dict(data["spec"])
        if data.get("name"):
            spec.setdefault("name", data["name"])
        graph, _version_ = graph_import(
            workspace=workspace,
            spec=spec,
            slug=data.get("slug", ""),
            user=request.user,
            publish=data["publish"],
            note=data["note"],
        )
        assistant_default(graph=graph)
        return Response(GraphDetailOutput(graph).data, status=status.HTTP_201_CREATED)


class GraphMermaidView(ApiView):
    @extend_schema(responses=inline_serializer("Mermaid", {"mermaid": serializers.CharField()}))
    def get(self, request: Any, graph_id: str) -> Response:
        graph = self.scope.graph(graph_id)
        if graph.source == GraphSource.CODE:
            from builder.execution.graphs import load_code_graph
            from runtime.graphspec import ensure_compiled

            compiled = ensure_compiled(load_code_graph(graph.code_ref or graph.slug))
            text = compiled.get_graph().draw_mermaid()
        else:
            from runtime.graphspec import spec_to_mermaid

            try:
                text = spec_to_mermaid(graph.draft)
            except (KeyError, TypeError, AttributeError) as exc:
                raise ApiError(
                    f"the draft is too incomplete to draw: {exc}", status_code=422
                ) from exc
        return Response({"mermaid": text})
