"""LangGraph Server's threads: CRUD, search, copy, state (read, update, fork) and
history."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.errors import ApiError, not_found
from builder.api.limits import MetadataField
from builder.api.state_checks import check_state_values, graph_and_spec
from builder.api.views.base import ApiView, JSONObjectField, OffsetField
from builder.api.views.lg_fields import AnyJSONField, CheckpointInput
from builder.models import Thread, ThreadStatus
from builder.selectors.api_state import thread_history, thread_state
from builder.services import api_threads
from builder.services.threads import thread_copy, thread_create, thread_delete
from builder.wire import resources as wire
from builder.wire import state as wire_state

TAGS = ["threads"]


class ThreadOutput(serializers.Serializer):
    thread_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    metadata = serializers.JSONField()
    status = serializers.ChoiceField(choices=ThreadStatus.choices)
    values = serializers.JSONField(allow_null=True)
    interrupts = serializers.JSONField()
    config = serializers.JSONField()
    workspace = serializers.CharField()


class CheckpointOutput(serializers.Serializer):
    thread_id = serializers.CharField(allow_null=True)
    checkpoint_ns = serializers.CharField()
    checkpoint_id = serializers.CharField(allow_null=True)
    checkpoint_map = serializers.JSONField(allow_null=True)


class ThreadStateOutput(serializers.Serializer):
    values = serializers.JSONField()
    next = serializers.ListField(child=serializers.CharField())
    checkpoint = CheckpointOutput()
    metadata = serializers.JSONField()
    created_at = serializers.CharField(allow_null=True)
    parent_checkpoint = CheckpointOutput(allow_null=True)
    tasks = serializers.ListField(child=serializers.JSONField())
    interrupts = serializers.ListField(child=serializers.JSONField())


class ThreadCreateView(ApiView):
    class Input(serializers.Serializer):
        thread_id = serializers.UUIDField(required=False, allow_null=True)
        metadata = MetadataField(required=False, allow_null=True)
        if_exists = serializers.ChoiceField(
            choices=["raise", "do_nothing"], required=False, allow_null=True
        )
        ttl = serializers.JSONField(required=False, allow_null=True)
        supersteps = serializers.JSONField(required=False, allow_null=True)

    @extend_schema(tags=TAGS, request=Input, responses=ThreadOutput, operation_id="create_thread")
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        if data.get("ttl") is not None:
            raise ApiError(
                "/ttl: threads do not expire on this server; leave ttl out", status_code=422
            )
        supersteps = data.get("supersteps")
        updates = api_threads.supersteps_check(supersteps) if supersteps else []
        metadata = data.get("metadata") or {}
        assistant = None
        if metadata.get("graph_id"):
            assistant = self.scope.assistant(str(metadata["graph_id"]))
            workspace = assistant.workspace
            self.scope.require(workspace, "act")
        else:
            workspace = self.scope.default_workspace("act")
        if data.get("thread_id"):
            existing = Thread.objects.filter(pk=data["thread_id"]).select_related("workspace")
            found = existing.first()
            if found is not None:
                visible = found.workspace_id in {w.pk for w in self.scope.workspaces()}
                if data.get("if_exists") == "do_nothing" and visible:
                    return Response(wire.thread(found))
                raise ApiError("the thread already exists", code="conflict", status_code=409)
        thread = thread_create(
            workspace=workspace,
            user=request.user,
            assistant=assistant,
            metadata=metadata,
            thread_id=data.get("thread_id"),
        )
        if updates:
            if assistant is None:
                thread_delete(thread=thread, user=request.user)
                raise ApiError(
                    "/supersteps: say which graph they belong to (graph_id)", status_code=422
                )
            try:
                api_threads.thread_apply_supersteps(
                    thread=thread, updates=updates, user=request.user
                )
            except Exception:
                thread_delete(thread=thread, user=request.user)
                raise
        return Response(wire.thread(thread))


class ThreadSearchView(ApiView):
    class Input(serializers.Serializer):
        metadata = JSONObjectField(required=False, allow_null=True)
        values = JSONObjectField(required=False, allow_null=True)
        ids = serializers.ListField(child=serializers.UUIDField(), required=False)
        status = serializers.ChoiceField(
            choices=ThreadStatus.choices, required=False, allow_null=True
        )
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
        offset = OffsetField()
        sort_by = serializers.ChoiceField(
            choices=["thread_id", "status", "created_at", "updated_at"],
            required=False,
            allow_null=True,
        )
        sort_order = serializers.ChoiceField(
            choices=["asc", "desc"], required=False, allow_null=True
        )
        select = serializers.ListField(child=serializers.CharField(), required=False)

    @extend_schema(
        tags=TAGS, request=Input, responses=ThreadOutput(many=True), operation_id="search_threads"
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        threads = _search(self, data)
        page = threads[data["offset"] : data["offset"] + data["limit"]]
        body = [wire.thread(t) for t in page]
        if data.get("select"):
            body = [{k: v for k, v in t.items() if k in data["select"]} for t in body]
        return Response(body)


def _search(view: ApiView, data: dict[str, Any]) -> list[Thread]:
    threads = Thread.objects.filter(workspace__in=view.scope.workspaces()).select_related(
        "graph", "workspace"
    )
    if data.get("ids"):
        threads = threads.filter(pk__in=data["ids"])
    if data.get("status"):
        threads = threads.filter(status=data["status"])
    order = data.get("sort_by") or "created_at"
    threads = threads.order_by(
        ("-" if (data.get("sort_order") or "desc") == "desc" else "") + order
    )
    found = list(threads)
    # JSON containment is not portable (SQLite lacks it): filter in Python.
    if data.get("metadata"):
        found = [
            t
            for t in found
            if all(wire.thread(t)["metadata"].get(k) == v for k, v in data["metadata"].items())
        ]
    if data.get("values"):
        found = [
            t
            for t in found
            if isinstance(t.values, dict)
            and all(t.values.get(k) == v for k, v in data["values"].items())
        ]
    return found


class ThreadCountView(ApiView):
    class Input(serializers.Serializer):
        metadata = JSONObjectField(required=False, allow_null=True)
        values = JSONObjectField(required=False, allow_null=True)
        status = serializers.ChoiceField(
            choices=ThreadStatus.choices, required=False, allow_null=True
        )

    @extend_schema(
        tags=TAGS, request=Input, responses=OpenApiTypes.INT, operation_id="count_threads"
    )
    def post(self, request: Any) -> Response:
        return Response(len(_search(self, self.parse(self.Input))))


class ThreadDetailView(ApiView):
    class Input(serializers.Serializer):
        metadata = MetadataField(required=False, allow_null=True)
        ttl = serializers.JSONField(required=False, allow_null=True)

    @extend_schema(tags=TAGS, responses=ThreadOutput, operation_id="get_thread")
    def get(self, request: Any, thread_id: str) -> Response:
        return Response(wire.thread(self.scope.thread(thread_id)))

    @extend_schema(tags=TAGS, request=Input, responses=ThreadOutput, operation_id="patch_thread")
    def patch(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        data = self.parse(self.Input)
        if data.get("ttl") is not None:
            raise ApiError(
                "/ttl: threads do not expire on this server; leave ttl out", status_code=422
            )
        thread = api_threads.thread_update_metadata(
            thread=thread, metadata=data.get("metadata") or {}, user=request.user
        )
        if request.headers.get("Prefer") == "return=minimal":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(wire.thread(thread))

    @extend_schema(tags=TAGS, responses={204: None}, operation_id="delete_thread")
    def delete(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        thread_delete(thread=thread, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadCopyView(ApiView):
    @extend_schema(tags=TAGS, request=None, responses=ThreadOutput, operation_id="copy_thread")
    def post(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        return Response(wire.thread(thread_copy(thread=thread, user=request.user)))


class _SubgraphsInput(serializers.Serializer):
    subgraphs = serializers.BooleanField(required=False, default=False)


class ThreadStateView(ApiView):
    class Input(serializers.Serializer):
        values = AnyJSONField(required=False, allow_null=True)
        as_node = serializers.CharField(required=False, allow_null=True)
        checkpoint_id = serializers.CharField(required=False, allow_null=True)
        checkpoint = CheckpointInput(required=False, allow_null=True)

    class UpdateOutput(serializers.Serializer):
        checkpoint = CheckpointOutput()

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("subgraphs", bool)],
        responses=ThreadStateOutput,
        operation_id="get_thread_state",
    )
    def get(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        params = self.query(_SubgraphsInput)
        return Response(thread_state(thread=thread, subgraphs=params["subgraphs"]))

    @extend_schema(
        tags=TAGS, request=Input, responses=UpdateOutput, operation_id="update_thread_state"
    )
    def post(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        data = self.parse(self.Input)
        if thread.graph_id is not None or thread.assistant_id is not None:
            check_state_values(data.get("values"), graph_and_spec(thread, None)[1])
        checkpoint_id = data.get("checkpoint_id") or (data.get("checkpoint") or {}).get(
            "checkpoint_id"
        )
        config = api_threads.thread_state_update(
            thread=thread,
            values=data.get("values"),
            as_node=data.get("as_node"),
            checkpoint_id=checkpoint_id,
            checkpoint_ns=(data.get("checkpoint") or {}).get("checkpoint_ns") or "",
            user=request.user,
        )
        return Response(wire_state.update_result(config))

    class PatchInput(serializers.Serializer):
        metadata = JSONObjectField()

    @extend_schema(
        tags=TAGS, request=PatchInput, responses={204: None}, operation_id="patch_thread_state"
    )
    def patch(self, request: Any, thread_id: str) -> Response:
        """Merge metadata into the latest checkpoint's (the SDKs' ``patch_state``; LangGraph
        Server itself has no such route)."""
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        data = self.parse(self.PatchInput)
        api_threads.thread_state_patch_metadata(
            thread=thread, metadata=data["metadata"], user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadStateAtView(ApiView):
    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("subgraphs", bool)],
        responses=ThreadStateOutput,
        operation_id="get_thread_state_at_checkpoint",
    )
    def get(self, request: Any, thread_id: str, checkpoint_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        params = self.query(_SubgraphsInput)
        return Response(_state_at(thread, checkpoint_id, params["subgraphs"]))


def _state_at(
    thread: Thread, checkpoint_id: str, subgraphs: bool, checkpoint_ns: str = ""
) -> dict[str, Any]:
    state = thread_state(
        thread=thread, checkpoint_id=checkpoint_id, subgraphs=subgraphs, checkpoint_ns=checkpoint_ns
    )
    if state is None:
        raise not_found(f"checkpoint {checkpoint_id} of thread {thread.pk}")
    return state


class ThreadStateCheckpointView(ApiView):
    class Input(serializers.Serializer):
        checkpoint = CheckpointInput()
        subgraphs = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=ThreadStateOutput,
        operation_id="post_thread_state_at_checkpoint",
    )
    def post(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        data = self.parse(self.Input)
        checkpoint_id = data["checkpoint"].get("checkpoint_id")
        ns = data["checkpoint"].get("checkpoint_ns") or ""  # a subgraph's checkpoint
        if not checkpoint_id:
            state = thread_state(thread=thread, subgraphs=data["subgraphs"], checkpoint_ns=ns)
            return Response(state if state is not None else wire_state.empty_state())
        return Response(_state_at(thread, checkpoint_id, data["subgraphs"], ns))


class ThreadHistoryView(ApiView):
    class Input(serializers.Serializer):
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
        before = serializers.JSONField(required=False, allow_null=True)
        metadata = JSONObjectField(required=False, allow_null=True)
        checkpoint = CheckpointInput(required=False, allow_null=True)
        select = serializers.ListField(child=serializers.CharField(), required=False)

        def validate_before(self, value: Any) -> str | None:
            if value is None or isinstance(value, str):
                return value
            if isinstance(value, dict) and isinstance(value.get("checkpoint_id"), str):
                return value["checkpoint_id"]
            raise serializers.ValidationError("expected a checkpoint id or a checkpoint object")

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=ThreadStateOutput(many=True),
        operation_id="post_thread_history",
    )
    def post(self, request: Any, thread_id: str) -> Response:
        return self._history(self.scope.thread(thread_id), self.parse(self.Input))

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("limit", int), OpenApiParameter("before", str)],
        responses=ThreadStateOutput(many=True),
        operation_id="get_thread_history",
    )
    def get(self, request: Any, thread_id: str) -> Response:
        return self._history(self.scope.thread(thread_id), self.query(self.Input))

    def _history(self, thread: Thread, data: dict[str, Any]) -> Response:
        return Response(
            thread_history(
                thread=thread,
                limit=data["limit"],
                before=data.get("before"),
                metadata=data.get("metadata"),
            )
        )
