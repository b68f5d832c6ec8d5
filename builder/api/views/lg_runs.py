"""LangGraph Server's runs: background, streamed (SSE) and waited-for runs, on a thread
or stateless; list, get, join, join-stream, cancel, delete.

Runs are started by the ``run_start`` service and executed by the configured executor;
the HTTP side only reads the persisted event log (see ``builder.api.sse``). Waiting and
streaming responses are async iterators, so under ASGI they hold no worker thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.compat import run_location
from builder.api.errors import ApiError
from builder.api.limits import MetadataField
from builder.api.scope import Scope, _uuid
from builder.api.sse import STREAM_MODES, THREAD_STREAM_MODES, RunStream, ThreadStream, WaitBody
from builder.api.state_checks import check_run_options, graph_and_spec
from builder.api.views.base import ApiView, JSONObjectField, OffsetField
from builder.api.views.lg_fields import (
    AnyJSONField,
    CheckpointInput,
    CommandInput,
    StringOrListField,
    nodes_field,
    stream_mode_field,
)
from builder.execution.webhooks import WebhookRefused, webhook_check_url
from builder.models import ACTIVE_RUN_STATUSES, MultitaskStrategy, Run, RunStatus, Thread
from builder.selectors.api_state import run_output
from builder.selectors.review import caller_still_reads
from builder.services.api_threads import run_delete, thread_bind_assistant
from builder.services.runs import run_cancel, run_start
from builder.services.threads import thread_create, thread_delete
from builder.wire import resources as wire

TAGS = ["runs"]
# after_seconds beyond this (30 days) is refused rather than kept pending for ever.
MAX_AFTER_SECONDS = 30 * 24 * 3600
SSE_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description="text/event-stream: `event: metadata` first, then one event per stream "
    "mode chunk (`values`, `updates`, `messages` for messages-tuple, `messages/metadata`, "
    "`messages/partial` and `messages/complete` for messages, `events`, `custom`, `debug`, "
    "`tasks`, `checkpoints`; `|<namespace>` appended for subgraphs), `error` on failure; "
    "the stream closes after the last frame.",
)

THREAD_SSE_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description="text/event-stream, open until the client hangs up: for each run on the "
    "thread, `metadata` (`status: run_started`), the run's frames in its own stream modes "
    "(`run_modes`), `metadata` (`status: run_done`); `values` frames for `state_update`.",
)


class RunOutput(serializers.Serializer):
    run_id = serializers.UUIDField()
    thread_id = serializers.UUIDField()
    assistant_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    status = serializers.CharField()
    metadata = serializers.JSONField()
    multitask_strategy = serializers.CharField()
    kwargs = serializers.JSONField()


class RunCreateInput(serializers.Serializer):
    assistant_id = serializers.CharField()
    input = AnyJSONField(required=False, allow_null=True)
    command = CommandInput(required=False, allow_null=True)
    config = JSONObjectField(required=False, allow_null=True)
    context = JSONObjectField(required=False, allow_null=True)
    metadata = MetadataField(required=False, allow_null=True)
    stream_mode = stream_mode_field()
    stream_subgraphs = serializers.BooleanField(required=False, default=False)
    stream_resumable = serializers.BooleanField(required=False, default=False)
    interrupt_before = nodes_field()
    interrupt_after = nodes_field()
    checkpoint_id = serializers.CharField(required=False, allow_null=True)
    checkpoint = CheckpointInput(required=False, allow_null=True)
    multitask_strategy = serializers.ChoiceField(
        choices=MultitaskStrategy.choices, required=False, allow_null=True
    )
    if_not_exists = serializers.ChoiceField(
        choices=["reject", "create"], required=False, allow_null=True
    )
    on_disconnect = serializers.ChoiceField(
        choices=["cancel", "continue"], required=False, allow_null=True
    )
    on_completion = serializers.ChoiceField(
        choices=["delete", "keep"], required=False, allow_null=True
    )
    webhook = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=2000
    )
    after_seconds = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AFTER_SECONDS
    )
    draft = serializers.BooleanField(
        required=False,
        default=False,
        help_text="builder extension: run the graph's unpublished draft as it is now (a test "
        "run, marked draft in the run's metadata); runs continuing it use the same draft",
    )
    # LangGraph Server's options this server cannot honour: refused with a 422 unless
    # they ask for what it does anyway (UNSUPPORTED).
    feedback_keys = serializers.ListField(child=serializers.CharField(), required=False)
    durability = serializers.ChoiceField(
        choices=["sync", "async", "exit"], required=False, allow_null=True
    )
    checkpoint_during = serializers.BooleanField(required=False, allow_null=True)
    strict_resume = serializers.BooleanField(required=False, allow_null=True)
    langsmith_tracer = serializers.JSONField(required=False, allow_null=True)

    def validate_webhook(self, value: str | None) -> str | None:
        if value:
            try:
                webhook_check_url(value)
            except WebhookRefused as exc:
                raise serializers.ValidationError(str(exc)) from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("input") is not None and attrs.get("command"):
            raise serializers.ValidationError(
                {"command": ["give either input or command, not both"]}
            )
        return attrs


# Option -> (does this value ask for something we don't do?, why it is refused).
UNSUPPORTED: dict[str, tuple[Any, str]] = {
    "feedback_keys": (
        bool,
        "feedback keys need LangSmith, which this server does not use: leave them out",
    ),
    "checkpoint_during": (
        lambda v: v is False,
        "runs here always checkpoint after every step: leave checkpoint_during out or send true",
    ),
    "strict_resume": (
        lambda v: v is not None,
        "a resume here answers the pending interrupts it names, or the only pending one: "
        "leave strict_resume out",
    ),
    "langsmith_tracer": (
        lambda v: v is not None,
        "this server does not trace to LangSmith: leave langsmith_tracer out",
    ),
}


def refuse_unsupported(data: dict[str, Any]) -> None:
    """A 422 naming the first option given that this server cannot honour."""
    for name, (unsupported, why) in UNSUPPORTED.items():
        if name in data and unsupported(data[name]):
            raise ApiError(
                f"/{name}: {why}",
                code="unsupported",
                status_code=422,
                extra={"fields": [{"path": f"/{name}", "message": why}]},
            )


def _merged_config(assistant_config: dict[str, Any], request_config: dict[str, Any] | None):
    config = {**(assistant_config or {}), **(request_config or {})}
    configurable = {
        **((assistant_config or {}).get("configurable") or {}),
        **((request_config or {}).get("configurable") or {}),
    }
    if configurable:
        config["configurable"] = configurable
    return config


def start_run(scope: Scope, data: dict[str, Any], thread: Thread | None, thread_id: Any) -> Run:
    """Resolve the assistant and thread (creating it when asked), authorise, start."""
    assistant = scope.assistant(data["assistant_id"])

    def check(target: Thread) -> None:
        # Before the run (or the thread a stateless run needs) exists: a 400, not a run
        # that fails with __error__.
        check_run_options(data, *graph_and_spec(target, assistant, draft=data["draft"]))

    created = False
    if thread is None:
        if thread_id is not None:
            parsed = _uuid(thread_id)
            if parsed is None:
                raise ApiError(f"thread {thread_id} not found", code="not_found", status_code=404)
            existing = Thread.objects.filter(pk=parsed).first()
            if existing is not None or data.get("if_not_exists") != "create":
                thread = scope.thread(thread_id)
            else:
                scope.require(assistant.workspace_id, "act")
                check(Thread(workspace=assistant.workspace))
                created = True
                thread = thread_create(
                    workspace=assistant.workspace,
                    user=scope.user,
                    assistant=assistant,
                    thread_id=parsed,
                )
        else:
            scope.require(assistant.workspace_id, "act")
            check(Thread(workspace=assistant.workspace))
            created = True
            thread = thread_create(
                workspace=assistant.workspace,
                user=scope.user,
                assistant=assistant,
                metadata={"stateless": True},
            )
    scope.require(thread.workspace_id, "act")
    if not created:
        check(thread)
    thread_bind_assistant(thread=thread, assistant=assistant)
    command = data.get("command")
    checkpoint_id = data.get("checkpoint_id") or (data.get("checkpoint") or {}).get("checkpoint_id")
    return run_start(
        thread=thread,
        assistant=assistant,
        input=data.get("input"),
        command={k: v for k, v in command.items() if v is not None} if command else None,
        stream_mode=data.get("stream_mode") or ["values"],
        config=_merged_config(assistant.config, data.get("config")),
        metadata=data.get("metadata") or {},
        # LangGraph Server's default: a run on a busy thread waits its turn.
        multitask_strategy=data.get("multitask_strategy") or MultitaskStrategy.ENQUEUE,
        interrupt_before=data.get("interrupt_before"),
        interrupt_after=data.get("interrupt_after"),
        checkpoint_id=checkpoint_id or "",
        context=data.get("context"),
        webhook=data.get("webhook") or "",
        after_seconds=data.get("after_seconds") or 0,
        user=scope.user,
        draft=data["draft"],
        durability=data.get("durability") or "async",
    )


def sse_response(
    run: Run,
    *,
    modes: list[str],
    subgraphs: bool,
    after_seq: int = 0,
    send_metadata: bool = True,
    cancel_on_disconnect: bool = False,
    on_end: Any = None,
    scope: Scope | None = None,
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        RunStream(
            thread_id=run.thread_id,
            run_id=run.pk,
            modes=modes,
            subgraphs=subgraphs,
            after_seq=after_seq,
            send_metadata=send_metadata,
            cancel_on_disconnect=cancel_on_disconnect,
            on_end=on_end,
            access=stream_access(scope, run.thread_id),
        ),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    # Where to reconnect (with Last-Event-ID) if the stream is cut, as LangGraph Server.
    query = "?stream_subgraphs=true" if subgraphs else ""
    response["Location"] = f"{run_location(run)}/stream{query}"
    response["Content-Location"] = run_location(run)
    return response


def stream_access(scope: Scope | None, thread_id: Any) -> Callable[[], bool] | None:
    """What an open stream calls to re-check that its caller may still read the thread."""
    if scope is None:
        return None
    return functools.partial(caller_still_reads, scope.user, scope.api_key, str(thread_id))


def wait_response(
    run: Run, *, on_end: Any = None, cancel_on_disconnect: bool = False
) -> StreamingHttpResponse:
    thread = run.thread

    def result() -> Any:
        finished = Run.objects.filter(pk=run.pk).first()
        thread.refresh_from_db()
        return run_output(thread=thread, run=finished)

    response = StreamingHttpResponse(
        WaitBody(run.pk, result, on_end=on_end, cancel_on_disconnect=cancel_on_disconnect),
        content_type="application/json",
    )
    response["Location"] = f"{run_location(run)}/join"
    response["Content-Location"] = run_location(run)
    return response


def _delete_thread_later(thread_id: Any) -> Any:
    """For stateless runs with on_completion=delete: remove the thread once it is idle."""

    def delete() -> None:
        thread = Thread.objects.filter(pk=thread_id).first()
        if thread is not None and not thread.runs.filter(status__in=ACTIVE_RUN_STATUSES).exists():
            thread_delete(thread=thread)

    return delete


def _last_event_id(request: Any) -> int:
    return _last_event_id_or_none(request) or 0


def _last_event_id_or_none(request: Any) -> int | None:
    raw = (request.headers.get("Last-Event-ID") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _stream_query(request: Any) -> dict[str, Any]:
    """The query string as a dict, ``stream_mode`` as the list of its values (clients
    repeat the parameter for several modes; the SDKs send ``stream_mode=`` for "the
    run's own modes", which is what no value means)."""
    params = request.query_params
    data: dict[str, Any] = {k: v for k, v in params.dict().items() if k != "stream_mode"}
    modes = [m for m in params.getlist("stream_mode") if m]
    if modes:
        data["stream_mode"] = modes
    return data


# --- views ------------------------------------------------------------------------------


class _RunCreateBase(ApiView):
    mode = "background"

    def _create(self, request: Any, thread_id: str | None) -> HttpResponse:
        data = self.parse(RunCreateInput)
        refuse_unsupported(data)
        if self.mode == "background" and data.get("on_disconnect") == "cancel":
            raise ApiError(
                "/on_disconnect: a background run is not tied to this request, so there is no "
                "disconnect to cancel on; stream or wait for the run instead",
                status_code=422,
            )
        thread = None
        if thread_id is not None and data.get("if_not_exists") != "create":
            thread = self.scope.thread(thread_id)
        run = start_run(self.scope, data, thread, thread_id)
        temporary = thread_id is None and (data.get("on_completion") or "delete") == "delete"
        on_end = _delete_thread_later(run.thread_id) if temporary else None
        if self.mode == "stream":
            return sse_response(
                run,
                modes=data.get("stream_mode") or ["values"],
                subgraphs=data["stream_subgraphs"],
                cancel_on_disconnect=data.get("on_disconnect") == "cancel",
                on_end=on_end,
                scope=self.scope,
            )
        if self.mode == "wait":
            cancel = data.get("on_disconnect") == "cancel"
            return wait_response(run, on_end=on_end, cancel_on_disconnect=cancel)
        response = Response(wire.run(run))
        response["Content-Location"] = run_location(run)
        return response


class ThreadRunsView(_RunCreateBase):
    class ListInput(serializers.Serializer):
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
        offset = OffsetField()
        status = serializers.ChoiceField(
            choices=[*RunStatus.values], required=False, allow_null=True
        )

    @extend_schema(
        tags=TAGS, request=RunCreateInput, responses=RunOutput, operation_id="create_run"
    )
    def post(self, request: Any, thread_id: str) -> HttpResponse:
        return self._create(request, thread_id)

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
            OpenApiParameter("status", str),
        ],
        responses=RunOutput(many=True),
        operation_id="list_runs",
    )
    def get(self, request: Any, thread_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        data = self.query(self.ListInput)
        runs = thread.runs.select_related("assistant__graph").order_by("-created_at")
        if data.get("status"):
            wanted = wire.RUN_STATUS_FILTER.get(data["status"], [data["status"]])
            runs = runs.filter(status__in=wanted)
        page = runs[data["offset"] : data["offset"] + data["limit"]]
        return Response([wire.run(r) for r in page])


class ThreadRunStreamView(_RunCreateBase):
    mode = "stream"

    @extend_schema(
        tags=TAGS,
        request=RunCreateInput,
        responses={200: SSE_RESPONSE},
        operation_id="stream_run",
    )
    def post(self, request: Any, thread_id: str) -> HttpResponse:
        return self._create(request, thread_id)


class ThreadRunWaitView(_RunCreateBase):
    mode = "wait"

    @extend_schema(
        tags=TAGS, request=RunCreateInput, responses=OpenApiTypes.OBJECT, operation_id="wait_run"
    )
    def post(self, request: Any, thread_id: str) -> HttpResponse:
        return self._create(request, thread_id)


class StatelessRunsView(_RunCreateBase):
    @extend_schema(
        tags=TAGS,
        request=RunCreateInput,
        responses=RunOutput,
        operation_id="create_stateless_run",
    )
    def post(self, request: Any) -> HttpResponse:
        return self._create(request, None)


class StatelessRunStreamView(_RunCreateBase):
    mode = "stream"

    @extend_schema(
        tags=TAGS,
        request=RunCreateInput,
        responses={200: SSE_RESPONSE},
        operation_id="stream_stateless_run",
    )
    def post(self, request: Any) -> HttpResponse:
        return self._create(request, None)


class StatelessRunWaitView(_RunCreateBase):
    mode = "wait"

    @extend_schema(
        tags=TAGS,
        request=RunCreateInput,
        responses=OpenApiTypes.OBJECT,
        operation_id="wait_stateless_run",
    )
    def post(self, request: Any) -> HttpResponse:
        return self._create(request, None)


class RunDetailView(ApiView):
    @extend_schema(tags=TAGS, responses=RunOutput, operation_id="get_run")
    def get(self, request: Any, thread_id: str, run_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        return Response(wire.run(self.scope.run(thread, run_id)))

    @extend_schema(tags=TAGS, responses={204: None}, operation_id="delete_run")
    def delete(self, request: Any, thread_id: str, run_id: str) -> Response:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        run_delete(run=self.scope.run(thread, run_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunJoinView(ApiView):
    @extend_schema(tags=TAGS, responses=OpenApiTypes.OBJECT, operation_id="join_run")
    def get(self, request: Any, thread_id: str, run_id: str) -> HttpResponse:
        thread = self.scope.thread(thread_id)
        return wait_response(self.scope.run(thread, run_id))


class RunJoinStreamView(ApiView):
    class Input(serializers.Serializer):
        stream_mode = StringOrListField(choices=STREAM_MODES, required=False)
        stream_subgraphs = serializers.BooleanField(required=False, default=False)
        cancel_on_disconnect = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("stream_mode", str, many=True),
            OpenApiParameter("stream_subgraphs", bool),
            OpenApiParameter("cancel_on_disconnect", bool),
        ],
        responses={200: SSE_RESPONSE},
        operation_id="join_run_stream",
    )
    def get(self, request: Any, thread_id: str, run_id: str) -> HttpResponse:
        thread = self.scope.thread(thread_id)
        run = self.scope.run(thread, run_id)
        data = self.parse(self.Input, _stream_query(request))
        if data["cancel_on_disconnect"]:
            # Hanging up would cancel the run: that is acting on it, not watching.
            self.scope.require(thread.workspace_id, "act")
        after = _last_event_id(request)
        return sse_response(
            run,
            modes=data.get("stream_mode") or run.stream_mode or ["values"],
            subgraphs=data["stream_subgraphs"],
            after_seq=after,
            send_metadata=after == 0,
            cancel_on_disconnect=data["cancel_on_disconnect"],
            scope=self.scope,
        )


class ThreadJoinStreamView(ApiView):
    class Input(serializers.Serializer):
        stream_mode = StringOrListField(choices=THREAD_STREAM_MODES, required=False)

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("stream_mode", str, many=True, enum=THREAD_STREAM_MODES)],
        responses={200: THREAD_SSE_RESPONSE},
        operation_id="join_thread_stream",
    )
    def get(self, request: Any, thread_id: str) -> HttpResponse:
        thread = self.scope.thread(thread_id)
        data = self.parse(self.Input, _stream_query(request))
        response = StreamingHttpResponse(
            ThreadStream(
                thread_id=thread.pk,
                modes=data.get("stream_mode") or ["run_modes"],
                after_seq=_last_event_id_or_none(request),
                access=stream_access(self.scope, thread.pk),
            ),
            content_type="text/event-stream",
        )
        response["Cache-Control"] = "no-store"
        response["X-Accel-Buffering"] = "no"
        return response


class RunCancelView(ApiView):
    class Input(serializers.Serializer):
        wait = serializers.BooleanField(required=False, default=False)
        action = serializers.ChoiceField(
            choices=["interrupt", "rollback"], required=False, default="interrupt"
        )

    @extend_schema(
        tags=TAGS,
        request=None,
        parameters=[OpenApiParameter("wait", bool), OpenApiParameter("action", str)],
        responses={202: None, 200: RunOutput},
        operation_id="cancel_run",
    )
    def post(self, request: Any, thread_id: str, run_id: str) -> HttpResponse:
        thread = self.scope.thread(thread_id)
        self.scope.require(thread.workspace_id, "act")
        run = self.scope.run(thread, run_id)
        data = self.query(self.Input)
        run = run_cancel(run=run, user=request.user, action=data["action"])
        if not data["wait"]:
            return Response(status=status.HTTP_202_ACCEPTED)
        return StreamingHttpResponse(
            WaitBody(run.pk, functools.partial(_run_or_none, run.pk)),
            content_type="application/json",
        )


def _run_or_none(run_id: Any) -> Any:
    run = Run.objects.filter(pk=run_id).first()
    return wire.run(run) if run is not None else None
