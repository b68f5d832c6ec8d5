"""LangGraph Server's assistants: ``/assistants``, ``/assistants/search``,
``/assistants/{id}`` and its ``graph``, ``schemas`` and ``versions``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.errors import ApiError
from builder.api.limits import MAX_DESCRIPTION, MAX_NAME, MetadataField
from builder.api.state_checks import RunConfigField
from builder.api.views.base import ApiView, JSONObjectField, OffsetField
from builder.models import Assistant, Graph, GraphSource
from builder.selectors.assistants import assistant_versions
from builder.services import api_assistants
from builder.wire import resources as wire

TAGS = ["assistants"]


class AssistantVersionOutput(serializers.Serializer):
    """One immutable version of an assistant, as LangGraph Server shows it."""

    assistant_id = serializers.UUIDField()
    graph_id = serializers.CharField()
    config = serializers.JSONField()
    context = serializers.JSONField()
    metadata = serializers.JSONField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class AssistantOutput(AssistantVersionOutput):
    """An assistant: its active version, and when it last changed."""

    updated_at = serializers.DateTimeField()


def compiled_graph(assistant: Assistant) -> Any:
    """The assistant's graph compiled without a checkpointer (for introspection)."""
    graph = assistant.graph
    if graph.source == GraphSource.CODE:
        from builder.execution.graphs import load_code_graph
        from runtime.graphspec import ensure_compiled

        return ensure_compiled(load_code_graph(graph.code_ref or graph.slug))
    from runtime.graphspec import compile_spec

    version = assistant.graph_version or graph.versions.order_by("-number").first()
    return compile_spec(version.spec if version else graph.draft)


class AssistantCreateView(ApiView):
    class Input(serializers.Serializer):
        graph_id = serializers.CharField()
        assistant_id = serializers.UUIDField(required=False, allow_null=True)
        config = RunConfigField(required=False, allow_null=True)
        context = JSONObjectField(required=False, allow_null=True)
        metadata = MetadataField(required=False, allow_null=True)
        if_exists = serializers.ChoiceField(
            choices=["raise", "do_nothing"], required=False, allow_null=True
        )
        name = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=MAX_NAME
        )
        description = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=MAX_DESCRIPTION
        )

    @extend_schema(
        tags=TAGS, request=Input, responses=AssistantOutput, operation_id="create_assistant"
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        graph = _graph(self, data["graph_id"])
        self.scope.require(graph.workspace, "edit")
        if data.get("assistant_id"):
            existing = Assistant.objects.filter(pk=data["assistant_id"]).first()
            if existing is not None:
                visible = existing.workspace_id in {w.pk for w in self.scope.workspaces()}
                if data.get("if_exists") == "do_nothing" and visible:
                    return Response(wire.assistant(existing))
                raise ApiError("the assistant already exists", code="conflict", status_code=409)
        assistant = api_assistants.assistant_create(
            workspace=graph.workspace,
            graph=graph,
            name=data.get("name") or "",
            description=data.get("description") or "",
            config=data.get("config"),
            context=data.get("context"),
            metadata=data.get("metadata"),
            assistant_id=data.get("assistant_id"),
            user=request.user,
        )
        return Response(wire.assistant(assistant))


def _graph(view: ApiView, graph_id: str) -> Graph:
    """A graph by its LangGraph graph id (slug or code ref) among visible workspaces."""
    assistant = view.scope.assistant(graph_id)  # resolves slugs and code refs alike
    return assistant.graph


class AssistantSearchView(ApiView):
    class Input(serializers.Serializer):
        metadata = JSONObjectField(required=False, allow_null=True)
        graph_id = serializers.CharField(required=False, allow_null=True)
        name = serializers.CharField(required=False, allow_null=True)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
        offset = OffsetField()
        sort_by = serializers.ChoiceField(
            choices=["assistant_id", "graph_id", "name", "created_at", "updated_at"],
            required=False,
            allow_null=True,
        )
        sort_order = serializers.ChoiceField(
            choices=["asc", "desc"], required=False, allow_null=True
        )
        select = serializers.ListField(child=serializers.CharField(), required=False)

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=AssistantOutput(many=True),
        operation_id="search_assistants",
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        api_assistants.assistants_ensure_defaults(
            workspaces=self.scope.workspaces(), user=request.user
        )
        assistants = list(_search(self, data))
        total = len(assistants)
        page = assistants[data["offset"] : data["offset"] + data["limit"]]
        body = [wire.assistant(a) for a in page]
        if data.get("select"):
            body = [{k: v for k, v in a.items() if k in data["select"]} for a in body]
        response = Response(body)
        if data["offset"] + data["limit"] < total:
            response["X-Pagination-Next"] = str(data["offset"] + data["limit"])
        response["X-Pagination-Total"] = str(total)
        return response


def _search(view: ApiView, data: dict[str, Any]) -> list[Assistant]:
    assistants = Assistant.objects.filter(workspace__in=view.scope.workspaces()).select_related(
        "graph"
    )
    if data.get("name"):
        assistants = assistants.filter(name__icontains=data["name"])
    found = list(assistants)
    if data.get("graph_id"):
        found = [a for a in found if data["graph_id"] in (a.graph.slug, a.graph.code_ref)]
    if data.get("metadata"):
        found = [
            a for a in found if all(a.metadata.get(k) == v for k, v in data["metadata"].items())
        ]
    key = data.get("sort_by") or "created_at"
    reverse = (data.get("sort_order") or "desc") == "desc"
    return sorted(found, key=lambda a: str(wire.assistant(a)[key]), reverse=reverse)


class AssistantCountView(ApiView):
    class Input(serializers.Serializer):
        metadata = JSONObjectField(required=False, allow_null=True)
        graph_id = serializers.CharField(required=False, allow_null=True)
        name = serializers.CharField(required=False, allow_null=True)

    @extend_schema(
        tags=TAGS, request=Input, responses=OpenApiTypes.INT, operation_id="count_assistants"
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        api_assistants.assistants_ensure_defaults(
            workspaces=self.scope.workspaces(), user=request.user
        )
        return Response(len(_search(self, data)))


class AssistantDetailView(ApiView):
    class Input(serializers.Serializer):
        graph_id = serializers.CharField(required=False, allow_null=True)
        config = RunConfigField(required=False, allow_null=True)
        context = JSONObjectField(required=False, allow_null=True)
        metadata = MetadataField(required=False, allow_null=True)
        name = serializers.CharField(required=False, allow_null=True, max_length=MAX_NAME)
        description = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=MAX_DESCRIPTION
        )

    @extend_schema(tags=TAGS, responses=AssistantOutput, operation_id="get_assistant")
    def get(self, request: Any, assistant_id: str) -> Response:
        return Response(wire.assistant(self.scope.assistant(assistant_id)))

    @extend_schema(
        tags=TAGS, request=Input, responses=AssistantOutput, operation_id="patch_assistant"
    )
    def patch(self, request: Any, assistant_id: str) -> Response:
        assistant = self.scope.assistant(assistant_id)
        self.scope.require(assistant.workspace_id, "edit")
        data = self.parse(self.Input)
        graph = _graph(self, data["graph_id"]) if data.get("graph_id") else None
        assistant = api_assistants.assistant_update(
            assistant=assistant,
            graph=graph,
            name=data.get("name"),
            description=data.get("description"),
            config=data.get("config"),
            context=data.get("context"),
            metadata=data.get("metadata"),
            user=request.user,
        )
        return Response(wire.assistant(assistant))

    @extend_schema(tags=TAGS, responses={204: None}, operation_id="delete_assistant")
    def delete(self, request: Any, assistant_id: str) -> Response:
        assistant = self.scope.assistant(assistant_id)
        self.scope.require(assistant.workspace_id, "edit")
        api_assistants.assistant_delete(assistant=assistant, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssistantGraphView(ApiView):
    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT, operation_id="get_assistant_graph")
    def get(self, request: Any, assistant_id: str) -> Response:
        assistant = self.scope.assistant(assistant_id)
        drawable = compiled_graph(assistant).get_graph()
        return Response(wire.graph_drawing(drawable.to_json()))


class AssistantSchemasView(ApiView):
    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT, operation_id="get_assistant_schemas")
    def get(self, request: Any, assistant_id: str) -> Response:
        assistant = self.scope.assistant(assistant_id)
        state = _state_schema(assistant)
        return Response(
            {
                "graph_id": wire.assistant(assistant)["graph_id"],
                "input_schema": _state_schema(assistant, input_only=True),
                "output_schema": state,
                "state_schema": state,
                "config_schema": {"type": "object", "properties": {}},
                "context_schema": {"type": "object", "properties": {}},
            }
        )


_JSON_TYPES = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "object": {"type": "object"},
    "array": {"type": "array"},
    "messages": {"type": "array", "items": {"type": "object"}},
    "any": {},
}


def _code_state_schema(compiled: Any, title: str, *, input_only: bool = False) -> dict[str, Any]:
    """A code graph's state (or input, with ``input_only``) as JSON Schema: its keys
    (their types are Python's)."""
    plan = getattr(compiled, "plan", None)
    keys = getattr(plan, "input_keys", None) if input_only else None
    keys = keys or getattr(getattr(plan, "schema", None), "keys", ()) or ()
    return {"title": title, "type": "object", "properties": {key: {} for key in keys}}


def _state_schema(assistant: Assistant, *, input_only: bool = False) -> dict[str, Any]:
    """JSON Schema of the graph's state (or its input, with ``input_only``): from the
    spec's fields (those marked ``input``, when any is), or the code graph's keys."""
    graph = assistant.graph
    properties: dict[str, Any] = {}
    if graph.source == GraphSource.CODE:
        compiled = compiled_graph(assistant)
        return _code_state_schema(compiled, graph.name, input_only=input_only)
    else:
        version = assistant.graph_version or graph.versions.order_by("-number").first()
        spec = version.spec if version else graph.draft
        state = spec.get("state") if isinstance(spec, dict) else None
        fields = [f for f in (state or {}).get("fields") or [] if isinstance(f, dict)]
        if input_only and any(f.get("input") for f in fields):
            fields = [f for f in fields if f.get("input")]
        for field in fields:
            if "name" in field:
                prop = dict(_JSON_TYPES.get(field.get("type", "any"), {}))
                if field.get("description"):
                    prop["description"] = field["description"]
                properties[field["name"]] = prop
    return {"title": graph.name, "type": "object", "properties": properties}


class AssistantSubgraphsView(ApiView):
    class Input(serializers.Serializer):
        recurse = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("recurse", bool)],
        responses=OpenApiTypes.OBJECT,
        operation_id="get_assistant_subgraphs",
    )
    def get(self, request: Any, assistant_id: str, namespace: str | None = None) -> Response:
        assistant = self.scope.assistant(assistant_id)
        recurse = self.query(self.Input)["recurse"]
        found = compiled_graph(assistant).get_subgraphs(namespace=namespace, recurse=recurse)
        body = {}
        for ns, graph in found:
            state = _code_state_schema(graph, getattr(graph, "name", None) or ns)
            body[ns] = {
                "input_schema": state,
                "output_schema": state,
                "state_schema": state,
                "config_schema": {"type": "object", "properties": {}},
                "context_schema": {"type": "object", "properties": {}},
            }
        return Response(body)


class AssistantSubgraphView(AssistantSubgraphsView):
    """The subgraph at one namespace (``parent|child`` with ``recurse``)."""

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("recurse", bool)],
        responses=OpenApiTypes.OBJECT,
        operation_id="get_assistant_subgraph",
    )
    def get(self, request: Any, assistant_id: str, namespace: str | None = None) -> Response:
        return super().get(request, assistant_id, namespace)


class AssistantVersionsView(ApiView):
    class Input(serializers.Serializer):
        metadata = JSONObjectField(required=False, allow_null=True)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
        offset = OffsetField()

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=AssistantVersionOutput(many=True),
        operation_id="list_assistant_versions",
    )
    def post(self, request: Any, assistant_id: str) -> Response:
        assistant = self.scope.assistant(assistant_id)
        data = self.parse(self.Input)
        api_assistants.versions_ensure(assistant)
        versions = assistant_versions(
            assistant=assistant,
            metadata=data.get("metadata"),
            limit=data["limit"],
            offset=data["offset"],
        )
        return Response([wire.assistant_version(v) for v in versions])


class AssistantLatestView(ApiView):
    class Input(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=AssistantOutput,
        operation_id="set_latest_assistant_version",
    )
    def post(self, request: Any, assistant_id: str) -> Response:
        assistant = self.scope.assistant(assistant_id)
        self.scope.require(assistant.workspace_id, "edit")
        data = self.parse(self.Input)
        api_assistants.versions_ensure(assistant)
        if not assistant.versions.filter(version=data["version"]).exists():
            raise ApiError(
                f"assistant {assistant.pk} has no version {data['version']}",
                code="not_found",
                status_code=404,
            )
        assistant = api_assistants.assistant_set_latest(
            assistant=assistant, version=data["version"], user=request.user
        )
        return Response(wire.assistant(assistant))
