"""LangGraph Server's crons: ``/runs/crons`` (stateless), ``/threads/{id}/runs/crons``,
search, count, get, update (PATCH), delete. Scheduling is the services' business (see
``builder.services.crons``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.errors import ApiError
from builder.api.limits import MetadataField
from builder.api.scope import Scope, _uuid
from builder.api.state_checks import check_run_options, graph_and_spec
from builder.api.views.base import ApiView, JSONObjectField, OffsetField
from builder.api.views.lg_fields import AnyJSONField, nodes_field, stream_mode_field
from builder.execution.webhooks import WebhookRefused, webhook_check_url
from builder.models import Cron, MultitaskStrategy, Thread
from builder.services import crons as cron_services
from builder.wire import resources as wire

TAGS = ["crons"]


class _CronFields(serializers.Serializer):
    """What create and update share: the schedule and the run body of each firing."""

    schedule = serializers.CharField(max_length=200)
    timezone = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    end_time = serializers.DateTimeField(required=False, allow_null=True)
    enabled = serializers.BooleanField(required=False, allow_null=True)
    input = AnyJSONField(required=False, allow_null=True)
    metadata = MetadataField(required=False, allow_null=True)
    config = JSONObjectField(required=False, allow_null=True)
    context = JSONObjectField(required=False, allow_null=True)
    webhook = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    interrupt_before = nodes_field()
    interrupt_after = nodes_field()
    stream_mode = stream_mode_field()
    stream_subgraphs = serializers.BooleanField(required=False, allow_null=True)
    stream_resumable = serializers.BooleanField(required=False, allow_null=True)
    # Honoured by every firing's run, as a run's own durability (see run_start).
    durability = serializers.ChoiceField(
        choices=["sync", "async", "exit"], required=False, allow_null=True
    )
    checkpoint_during = serializers.BooleanField(required=False, allow_null=True)

    def validate_webhook(self, value: str | None) -> str | None:
        if value:
            try:
                webhook_check_url(value)
            except WebhookRefused as exc:
                raise serializers.ValidationError(str(exc)) from None
        return value

    def validate_checkpoint_during(self, value: bool | None) -> bool | None:
        if value is False:
            raise serializers.ValidationError(
                "every run checkpoints after each step here; checkpoint_during=false is "
                "not supported"
            )
        return value


class CronCreateInput(_CronFields):
    assistant_id = serializers.CharField()
    on_run_completed = serializers.ChoiceField(
        choices=["delete", "keep"], required=False, allow_null=True
    )
    multitask_strategy = serializers.ChoiceField(
        choices=MultitaskStrategy.choices, required=False, allow_null=True
    )


class CronPatchInput(_CronFields):
    schedule = serializers.CharField(max_length=200, required=False)
    on_run_completed = serializers.ChoiceField(
        choices=["delete", "keep"], required=False, allow_null=True
    )


def _payload(data: dict[str, Any]) -> dict[str, Any]:
    """The run body of each firing, as given (None members dropped)."""
    keep = (*cron_services.RUN_FIELDS, *cron_services.PASSED_FIELDS)
    return {k: v for k, v in data.items() if k in keep and v is not None}


def _create(scope: Scope, data: dict[str, Any], thread: Thread | None) -> Response:
    assistant = scope.assistant(data["assistant_id"])
    target = thread or Thread(workspace=assistant.workspace)
    scope.require(assistant.workspace_id, "act")
    if thread is not None and thread.workspace_id != assistant.workspace_id:
        raise ApiError(
            "the assistant belongs to another workspace than the thread", status_code=422
        )
    check_run_options(data, *graph_and_spec(target, assistant))
    enabled = data.get("enabled")
    cron = cron_services.cron_create(
        workspace=assistant.workspace,
        assistant=assistant,
        thread=thread,
        schedule=data["schedule"],
        payload=_payload(data),
        zone=data.get("timezone") or "",
        end_time=data.get("end_time"),
        enabled=True if enabled is None else enabled,
        on_run_completed=data.get("on_run_completed") or "",
        user=scope.user,
    )
    return Response(wire.cron(cron))


class CronCreateView(ApiView):
    @extend_schema(
        tags=TAGS,
        request=CronCreateInput,
        responses=OpenApiTypes.OBJECT,
        operation_id="create_cron",
    )
    def post(self, request: Any) -> Response:
        data = self.parse(CronCreateInput)
        if data.get("multitask_strategy"):
            raise ApiError(
                "multitask_strategy: a stateless cron runs on a new thread each time; "
                "give it to a thread's cron (/threads/{thread_id}/runs/crons)",
                status_code=422,
            )
        return _create(self.scope, data, None)


class ThreadCronCreateView(ApiView):
    @extend_schema(
        tags=TAGS,
        request=CronCreateInput,
        responses=OpenApiTypes.OBJECT,
        operation_id="create_thread_cron",
    )
    def post(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        data = self.parse(CronCreateInput)
        if data.get("on_run_completed"):
            raise ApiError(
                "on_run_completed: a thread's cron keeps its thread; only stateless crons "
                "(/runs/crons) have it",
                status_code=422,
            )
        return _create(self.scope, data, thread)


def _visible(scope: Scope):
    return Cron.objects.filter(workspace__in=scope.workspaces()).select_related("user")


def _cron(scope: Scope, cron_id: str) -> Cron:
    parsed = _uuid(cron_id)
    cron = _visible(scope).filter(pk=parsed).first() if parsed else None
    if cron is None:
        raise ApiError(f"cron {cron_id} not found", code="not_found", status_code=404)
    return cron


class CronDetailView(ApiView):
    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT, operation_id="get_cron")
    def get(self, request: Any, cron_id: str) -> Response:
        return Response(wire.cron(_cron(self.scope, cron_id)))

    @extend_schema(
        tags=TAGS, request=CronPatchInput, responses=OpenApiTypes.OBJECT, operation_id="update_cron"
    )
    def patch(self, request: Any, cron_id: str) -> Response:
        cron = _cron(self.scope, cron_id)
        self.scope.require(cron.workspace_id, "act")
        data = self.parse(CronPatchInput)
        if not data:
            raise ApiError("the body names nothing to change", status_code=422)
        check_run_options(
            data, *graph_and_spec(cron.thread or Thread(workspace=cron.workspace), cron.assistant)
        )
        changes = {k: v for k, v in data.items() if v is not None or k == "end_time"}
        return Response(wire.cron(cron_services.cron_update(cron=cron, changes=changes)))

    @extend_schema(tags=TAGS, responses={204: None}, operation_id="delete_cron")
    def delete(self, request: Any, cron_id: str) -> Response:
        cron = _cron(self.scope, cron_id)
        self.scope.require(cron.workspace_id, "act")
        cron_services.cron_delete(cron=cron)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _CronFilter(serializers.Serializer):
    assistant_id = serializers.CharField(required=False, allow_null=True)
    thread_id = serializers.CharField(required=False, allow_null=True)
    metadata = JSONObjectField(required=False, allow_null=True)


SORT_FIELDS = ["cron_id", "assistant_id", "thread_id", "next_run_date", "end_time"]
SORT_FIELDS += ["created_at", "updated_at"]


class CronSearchInput(_CronFilter):
    enabled = serializers.BooleanField(required=False, allow_null=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
    offset = OffsetField()
    sort_by = serializers.ChoiceField(choices=SORT_FIELDS, required=False, allow_null=True)
    sort_order = serializers.ChoiceField(choices=["asc", "desc"], required=False, allow_null=True)
    select = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)


def _filtered(scope: Scope, data: dict[str, Any]):
    crons = _visible(scope)
    for name in ("assistant_id", "thread_id"):
        if data.get(name):
            parsed = _uuid(data[name])
            if parsed is None:
                raise ApiError(f"{name}: {data[name]!r} is not a UUID", status_code=422)
            crons = crons.filter(**{name: parsed})
    if data.get("enabled") is not None:
        crons = crons.filter(enabled=data["enabled"])
    for key, value in (data.get("metadata") or {}).items():
        crons = crons.filter(**{f"metadata__{key}": value})
    return crons


class CronSearchView(ApiView):
    @extend_schema(
        tags=TAGS,
        request=CronSearchInput,
        responses=OpenApiTypes.OBJECT,
        operation_id="search_crons",
    )
    def post(self, request: Any) -> Response:
        data = self.parse(CronSearchInput)
        unknown = sorted(set(data.get("select") or []) - _KEYS)
        if unknown:
            raise ApiError(f"select: unknown field(s) {', '.join(unknown)}", status_code=422)
        order = "" if data.get("sort_order") == "asc" else "-"
        crons = _filtered(self.scope, data).order_by(
            f"{order}{data.get('sort_by') or 'created_at'}"
        )
        page = list(crons[data["offset"] : data["offset"] + data["limit"]])
        body = [wire.cron(c) for c in page]
        if data.get("select"):
            body = [{k: v for k, v in c.items() if k in data["select"]} for c in body]
        return Response(body)


_KEYS = {
    "cron_id",
    "assistant_id",
    "thread_id",
    "on_run_completed",
    "end_time",
    "schedule",
    "timezone",
    "created_at",
    "updated_at",
    "user_id",
    "payload",
    "next_run_date",
    "metadata",
    "enabled",
}


class CronCountView(ApiView):
    @extend_schema(
        tags=TAGS, request=_CronFilter, responses=OpenApiTypes.INT, operation_id="count_crons"
    )
    def post(self, request: Any) -> Response:
        return Response(_filtered(self.scope, self.parse(_CronFilter)).count())
