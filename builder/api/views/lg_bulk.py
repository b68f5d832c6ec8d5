"""LangGraph Server's bulk calls: ``/runs/batch`` (several stateless background runs),
``/runs/cancel`` (by ids, a thread's, or every pending/running run), ``/threads/prune``;
and ``GET /runs/{run_id}/stream``, the SDK's join-stream of a run named without its
thread."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from builder import permissions
from builder.api.errors import ApiError
from builder.api.scope import _uuid
from builder.api.views.base import ApiView
from builder.api.views.lg_runs import RunCreateInput, RunJoinStreamView, start_run
from builder.models import Run, RunStatus, Thread
from builder.services.runs import run_cancel
from builder.services.threads import threads_prune
from builder.wire import resources as wire

MAX_BATCH = 100


def _uuids(name: str, values: list[str]) -> list[Any]:
    parsed = [_uuid(v) for v in values]
    bad = [v for v, p in zip(values, parsed, strict=True) if p is None]
    if bad:
        raise ApiError(f"{name}: not a UUID: {', '.join(map(repr, bad))}", status_code=422)
    return parsed


class RunBatchView(ApiView):
    @extend_schema(
        tags=["runs"],
        request=RunCreateInput(many=True),
        responses=OpenApiTypes.OBJECT,
        operation_id="create_stateless_run_batch",
    )
    def post(self, request: Any) -> Response:
        body = request.data
        if not isinstance(body, list) or not body:
            raise ApiError("expected a non-empty JSON array of run payloads", status_code=422)
        if len(body) > MAX_BATCH:
            raise ApiError(f"at most {MAX_BATCH} runs per batch, not {len(body)}", status_code=422)
        parsed, errors = [], {}
        for i, item in enumerate(body):
            if not isinstance(item, dict):
                errors[str(i)] = {"non_field_errors": ["expected a JSON object"]}
                continue
            serializer = RunCreateInput(data=item)
            if serializer.is_valid():
                parsed.append(serializer.validated_data)
            else:
                errors[str(i)] = serializer.errors
        if errors:
            raise serializers.ValidationError(errors)
        # All or none: a refused run (unknown assistant, bad input) starts no other.
        with transaction.atomic():
            runs = [start_run(self.scope, data, None, None) for data in parsed]
        return Response([wire.run(run) for run in runs])


class RunsCancelView(ApiView):
    class Input(serializers.Serializer):
        thread_id = serializers.CharField(required=False, allow_null=True)
        run_ids = serializers.ListField(child=serializers.CharField(), required=False)
        status = serializers.ChoiceField(
            choices=["pending", "running", "all"], required=False, allow_null=True
        )

    class Query(serializers.Serializer):
        action = serializers.ChoiceField(
            choices=["interrupt", "rollback"], required=False, default="interrupt"
        )

    @extend_schema(
        tags=["runs"],
        request=Input,
        parameters=[OpenApiParameter("action", str, enum=["interrupt", "rollback"])],
        responses={204: None},
        operation_id="cancel_runs",
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        action = self.query(self.Query)["action"]
        for run in self._runs(data):
            self.scope.require(run.thread.workspace_id, "act")
            run_cancel(run=run, user=request.user, action=action)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _runs(self, data: dict[str, Any]) -> list[Run]:
        visible = Run.objects.filter(thread__workspace__in=self.scope.workspaces())
        if data.get("status"):
            if data.get("thread_id") or data.get("run_ids"):
                raise ApiError(
                    "give either status (every run with it) or thread_id and run_ids, not both",
                    status_code=422,
                )
            wanted = {
                "pending": [RunStatus.PENDING],
                "running": [RunStatus.RUNNING],
                "all": [RunStatus.PENDING, RunStatus.RUNNING],
            }[data["status"]]
            acting = [
                w for w in self.scope.workspaces() if permissions.allows(self.scope.role(w), "act")
            ]
            return list(visible.filter(status__in=wanted, thread__workspace__in=acting))
        if not data.get("run_ids"):
            raise ApiError("give run_ids (with or without thread_id), or a status", status_code=422)
        runs = visible.filter(pk__in=_uuids("run_ids", data["run_ids"]))
        if data.get("thread_id"):
            runs = runs.filter(thread_id=_uuids("thread_id", [data["thread_id"]])[0])
        found = list(runs.select_related("thread"))
        if len(found) != len(set(data["run_ids"])):
            missing = set(data["run_ids"]) - {str(r.pk) for r in found}
            raise ApiError(
                f"run(s) not found: {', '.join(sorted(missing))}", code="not_found", status_code=404
            )
        return found


class ThreadPruneView(ApiView):
    class Input(serializers.Serializer):
        thread_ids = serializers.ListField(child=serializers.CharField(), max_length=1000)
        strategy = serializers.ChoiceField(
            choices=["delete", "keep_latest"], required=False, default="delete"
        )

    @extend_schema(
        tags=["threads"], request=Input, responses=OpenApiTypes.OBJECT, operation_id="prune_threads"
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        ids = _uuids("thread_ids", data["thread_ids"])
        # Threads the caller cannot see count as absent, as LangGraph Server's unknown ids.
        threads = list(Thread.objects.filter(pk__in=ids, workspace__in=self.scope.workspaces()))
        for thread in threads:
            self.scope.require(thread.workspace_id, "act")
        count = threads_prune(threads=threads, strategy=data["strategy"], user=request.user)
        return Response({"pruned_count": count})


class StatelessRunJoinStreamView(RunJoinStreamView):
    """``GET /runs/{run_id}/stream``: join a run's stream knowing only its id."""

    @extend_schema(
        tags=["runs"],
        parameters=[
            OpenApiParameter("stream_mode", str, many=True),
            OpenApiParameter("cancel_on_disconnect", bool),
        ],
        responses={200: OpenApiTypes.STR},
        operation_id="join_stateless_run_stream",
    )
    def get(self, request: Any, run_id: str) -> HttpResponse:  # type: ignore[override]
        parsed = _uuid(run_id)
        run = (
            Run.objects.filter(pk=parsed, thread__workspace__in=self.scope.workspaces()).first()
            if parsed
            else None
        )
        if run is None:
            raise ApiError(f"run {run_id} not found", code="not_found", status_code=404)
        return super().get(request, str(run.thread_id), run_id)
