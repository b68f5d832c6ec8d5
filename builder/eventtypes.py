"""The event contract: one typed definition of ``data`` per event type (docs/events.md).

Every event the server records goes through ``event_data(type, data)``, which checks the
payload against its type and returns the JSON that the log stores and that websockets
and SSE send. ``python manage.py export_event_types`` writes the JSON Schema of the
envelope union and the TypeScript discriminated union the frontend uses
(``frontend/src/api/events.gen.ts``); ``tests/builder/test_event_contract.py`` checks that
the docs, these types and the generated files agree.

Payloads the engine produces (tasks, values, messages, checkpoints, interrupts) keep
whatever else the engine adds (``extra="allow"``): their named members are the ones the
frontend reads. Payloads the server builds itself allow nothing else.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model


class _Exact(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Engine(BaseModel):
    """Mapped from the engine's stream; ``ns`` is the subgraph namespace (``[]``: root)."""

    model_config = ConfigDict(extra="allow")

    ns: list[str]


class RunError(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    message: str
    traceback: str | None = None


class RunCreated(_Exact):
    run_id: str
    status: str
    assistant_id: str | None
    graph_version_id: int | None
    draft: bool = False  # the run tests the editor's draft, not a version
    new_input: bool = False  # new input at the thread's head, not a continuation
    multitask_strategy: str
    stream_mode: list[str]


class RunStarted(_Exact):
    run_id: str
    attempt: int
    worker: str


class RunFinished(_Exact):
    run_id: str
    status: Literal["success", "interrupted"]


class RunFailed(_Exact):
    run_id: str
    status: Literal["error", "timeout"]
    error: RunError | None = None


class RunCancelled(_Exact):
    run_id: str
    status: Literal["cancelled"]
    rolled_back: bool | None = None


class TaskStarted(_Engine):
    id: str
    name: str
    input: Any = None
    triggers: list[str] = []


class TaskFinished(_Engine):
    id: str
    name: str
    result: Any = None
    interrupts: list[Any] = []


class TaskFailed(_Engine):
    id: str
    name: str
    error: str | None = None


class StreamData(_Engine):
    """``values``, ``updates`` and ``custom``: the engine's stream item under ``data``."""

    data: Any = None


class Messages(_Engine):
    chunk: Any = None
    metadata: dict[str, Any] = {}


class CheckpointCreated(_Engine):
    checkpoint: dict[str, Any]


class InterruptValue(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    value: Any = None


class InterruptRaised(_Engine):
    interrupt: InterruptValue


class ReviewResolved(_Exact):
    by: str
    decision: str
    interrupt_id: str


class StateUpdated(_Exact):
    as_node: str | None
    checkpoint: dict[str, Any]
    by: str | None
    values: Any = None


class ThreadStatus(_Exact):
    status: Literal["idle", "busy", "interrupted", "error"]


class CommentCreated(_Exact):
    id: int
    thread_id: str
    checkpoint_id: str
    author: str | None
    body: str
    created_at: str


EVENT_TYPES: dict[str, type[BaseModel]] = {
    "run.created": RunCreated,
    "run.started": RunStarted,
    "run.finished": RunFinished,
    "run.failed": RunFailed,
    "run.cancelled": RunCancelled,
    "task.started": TaskStarted,
    "task.finished": TaskFinished,
    "task.failed": TaskFailed,
    "values": StreamData,
    "updates": StreamData,
    "custom": StreamData,
    "messages": Messages,
    "checkpoint.created": CheckpointCreated,
    "interrupt": InterruptRaised,
    "review.resolved": ReviewResolved,
    "state.updated": StateUpdated,
    "thread.status": ThreadStatus,
    "comment.created": CommentCreated,
}


class UnknownEventType(ValueError):
    """An event type with no definition here (add it, and to docs/events.md)."""


def event_data(type: str, data: Any) -> dict[str, Any]:
    """``data`` checked against the definition of ``type``, as the JSON the log stores."""
    model = EVENT_TYPES.get(type)
    if model is None:
        raise UnknownEventType(f"event type {type!r} is not defined in builder/eventtypes.py")
    value = data if isinstance(data, model) else model.model_validate(data)
    return value.model_dump(mode="json", exclude_unset=True)


def _envelope_name(type: str) -> str:
    # "custom" -> CustomThreadEvent: a bare CustomEvent would shadow the DOM's in TypeScript.
    return "".join(part.capitalize() for part in type.replace(".", "_").split("_")) + "ThreadEvent"


def envelope_models() -> list[type[BaseModel]]:
    """One model per event type: the envelope every transport sends, with its ``data``."""
    return [
        create_model(
            _envelope_name(type),
            __config__=ConfigDict(extra="forbid"),
            type=(Literal[type], ...),  # type: ignore[valid-type]
            seq=(int, ...),
            thread_id=(str, ...),
            run_id=(str | None, ...),
            ts=(str, ...),
            data=(model, ...),
        )
        for type, model in EVENT_TYPES.items()
    ]


def event_json_schema() -> dict[str, Any]:
    """The JSON Schema of an event: a union discriminated by ``type``."""
    union = Annotated[Union[tuple(envelope_models())], Field(discriminator="type")]  # noqa: UP007
    adapter: TypeAdapter[Any] = TypeAdapter(union)
    schema = adapter.json_schema(ref_template="#/$defs/{model}")
    schema["title"] = "ThreadEvent"
    return schema
