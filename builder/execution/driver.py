"""The run body: claim the run, drive the compiled graph, record its events, finish.

Kept thin on purpose: the engine does the work. This module maps its stream onto the
persisted event log, heartbeats so a dead worker is noticed, and stops within
``CANCEL_POLL_SECONDS`` when the run is cancelled.

Resuming: a run taken over after a crash (``attempt > 1``) whose thread has checkpoints
newer than where the run started is continued with ``None`` as input, which makes the
engine carry on from the last checkpoint; tasks whose writes were saved are not re-run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from builder.checkpointer import DjangoCheckpointer
from builder.eventlog import events_record
from builder.eventtypes import event_data
from builder.execution.dispatch import register_run_body
from builder.execution.graphs import load_run_graph
from builder.execution.lifecycle import run_claim, run_finish, run_heartbeat, worker_name
from builder.execution.retry import RetryingExecutor, call_retrying
from builder.models import Checkpoint, Run, RunStatus
from builder.store import DjangoStore
from builder.wire.resources import run_metadata
from builder.wire.state import interrupts_by_task
from runtime.messages import jsonable  # LangGraph's serialized form, messages included
from runtime.types import Command, Send

logger = logging.getLogger(__name__)

# Stream modes always requested from the engine: together they give the debugger its
# events. The run's own stream_mode is recorded on the run for the SSE layer to filter.
ENGINE_STREAM_MODES = ("values", "updates", "custom", "messages", "tasks", "checkpoints")
# Events buffered before a database write (token chunks arrive fast).
EVENT_BATCH = 20
EVENT_FLUSH_SECONDS = 0.1
# Writes of the event log are at least this far apart: a fast run's steps share a write
# (each costs a transaction and a publish) at the price of at most this much delay.
EVENT_WRITE_SPACING_SECONDS = 0.01


def execute_run(run_id: Any, *, worker: str | None = None) -> str | None:
    """Execute ``run_id`` if it is ours to execute; return its final status or None."""
    worker = worker or worker_name()
    run = run_claim(run_id, worker=worker)
    if run is None:
        return None
    db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"run-{run.pk}")
    # All the run's database work, retried while the database blinks (see retry).
    db = RetryingExecutor(db_thread)
    try:
        try:
            graph = load_run_graph(
                run,
                DjangoCheckpointer(executor=db),
                DjangoStore(run.thread.workspace_id, executor=db),
            )
            driver = _RunDriver(run, graph, worker, db)
            status, values, error = asyncio.run(driver.drive())
            interrupts, paused = driver.interrupts, driver.interrupted
        except Exception as exc:
            logger.exception("run %s failed", run.pk)
            status, values, error, interrupts, paused = (
                RunStatus.ERROR,
                None,
                _error(exc),
                {},
                False,
            )
        finished = call_retrying(
            run_finish,
            run.pk,
            status,
            error=error,
            values=values,
            interrupts=interrupts,
            paused=paused,
            worker=worker,
        )
        return finished.status if finished is not None and finished.pk else status
    finally:
        db_thread.submit(connections.close_all).result()
        db_thread.shutdown(wait=True)


class _RunDriver:
    """Drives one execution; the only place that talks to the compiled graph."""

    def __init__(self, run: Run, graph: Any, worker: str, db_thread: Executor):
        self.run = run
        self.graph = graph
        self.worker = worker
        self.db_thread = db_thread
        self.stop_reason: str | None = None
        self.buffer: list[tuple[str, Any]] = []
        self.last_flush = time.monotonic()
        self.interrupted = False
        self.task_started: dict[str, float] = {}  # task id -> when its start was streamed
        # The final state's pending interrupts by task id (the thread keeps them).
        self.interrupts: dict[str, Any] = {}
        # Read here, before the event loop starts: the ORM is sync-only.
        self.assistant_config = (run.assistant.config or {}) if run.assistant_id else {}
        self.assistant_context = (run.assistant.context or {}) if run.assistant_id else {}
        # What LangGraph Server adds to a run's config metadata (so to its checkpoints'
        # metadata): the assistant's, the graph and assistant, the run and its thread.
        self.metadata = {
            **run_metadata(run),
            "run_id": str(run.pk),
            "thread_id": str(run.thread_id),
            "run_attempt": run.attempt or 1,
        }
        # Wakes the flusher: set when buffered events should reach the log now.
        self.flush_due = asyncio.Event()
        self.closing = False

    async def db(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.db_thread, lambda: fn(*args, **kwargs))

    def config(self) -> dict[str, Any]:
        """The assistant's config overlaid with the run's (run keys win, ``configurable``
        merged key by key), pointed at the run's thread."""
        config = merge_config(self.assistant_config, self.run.config or {})
        config["metadata"] = {**self.metadata, **(config.get("metadata") or {})}
        configurable = config.setdefault("configurable", {})
        # As LangGraph Server tells a run's nodes: which run, graph and assistant.
        for name in ("run_id", "graph_id", "assistant_id"):
            if name in self.metadata:
                configurable.setdefault(name, self.metadata[name])
        configurable["thread_id"] = str(self.run.thread_id)
        if self.run.checkpoint_id and not self.resuming:
            configurable["checkpoint_id"] = self.run.checkpoint_id
        return config

    def context(self) -> Any:
        """The runtime context nodes see: the assistant's, overlaid with the run's."""
        if not self.assistant_context and self.run.context is None:
            return None
        return {**self.assistant_context, **(self.run.context or {})}

    def graph_input(self) -> Any:
        if self.resuming:
            return None
        if self.run.command:
            return command_from_json(self.run.command)
        return self.run.input

    async def drive(self) -> tuple[str, Any, dict[str, Any] | None]:
        self.resuming = self.run.attempt > 1 and await self.db(self._has_progress)
        config = self.config()
        stream = asyncio.create_task(self._consume(config))
        watcher = asyncio.create_task(self._watch(stream))
        flusher = asyncio.create_task(self._flush_when_due())
        try:
            await stream
        except asyncio.CancelledError:
            if self.stop_reason is None:
                raise
        finally:
            watcher.cancel()
            # Not cancelled: a write in flight must complete before the last one.
            self.closing = True
            self.flush_due.set()
            await flusher
            await self.flush()
        if self.stop_reason == "timeout":
            limit = settings.BUILDER["RUN_TIMEOUT_SECONDS"]
            return RunStatus.TIMEOUT, None, {"type": "Timeout", "message": f"over {limit}s"}
        if self.stop_reason == "interrupt":
            # Cancelled, checkpoints kept: the thread shows where the run stopped (and
            # reads as interrupted when nodes remain, as on LangGraph Server).
            return RunStatus.CANCELLED, await self._final_values(config), None
        if self.stop_reason:
            return RunStatus.CANCELLED, None, None
        values = await self._final_values(config)
        return (RunStatus.INTERRUPTED if self.interrupted else RunStatus.SUCCESS), values, None

    def _has_progress(self) -> bool:
        newer = Checkpoint.objects.filter(thread_id=str(self.run.thread_id), checkpoint_ns="")
        if self.run.start_checkpoint_id:
            newer = newer.filter(checkpoint_id__gt=self.run.start_checkpoint_id)
        return newer.exists()

    async def _consume(self, config: dict[str, Any]) -> None:
        kwargs: dict[str, Any] = {
            "stream_mode": list(ENGINE_STREAM_MODES),
            "subgraphs": True,
            "durability": self.run.durability,
        }
        if self.run.interrupt_before is not None:
            kwargs["interrupt_before"] = self.run.interrupt_before
        if self.run.interrupt_after is not None:
            kwargs["interrupt_after"] = self.run.interrupt_after
        context = self.context()
        if context is not None:
            kwargs["context"] = context
        async for part in self.graph.astream(self.graph_input(), config, **kwargs):
            namespace, mode, data = part
            for event in stream_part_events(tuple(namespace), mode, data, self.task_started):
                if event[0] == "interrupt":
                    self.interrupted = True
                self.buffer.append(event)
            urgent = mode != "messages"
            due = time.monotonic() - self.last_flush >= EVENT_FLUSH_SECONDS
            if urgent or due or len(self.buffer) >= EVENT_BATCH:
                self.flush_due.set()
            if self.flush_due.is_set():
                # A queue that is never empty (a model streaming a burst of tokens) never
                # suspends this loop: yield, or the flusher would not run until it drains.
                await asyncio.sleep(0)

    async def _flush_when_due(self) -> None:
        """Write buffered events whenever they are due, one write at a time.

        Group commit: while one write is in flight (or for the rest of
        EVENT_WRITE_SPACING_SECONDS after the last one) the engine keeps running, and the
        events it produces meanwhile go out together in the next write. Writing each
        event as it came (five per node: task started and finished, updates, values,
        checkpoint) cost a transaction and a channel-layer publish each, and the engine
        waited for every one of them: 13-22 ms per node of a chain instead of ~1.
        """
        while not self.closing:
            await self.flush_due.wait()
            wait = EVENT_WRITE_SPACING_SECONDS - (time.monotonic() - self.last_flush)
            if wait > 0 and not self.closing:
                await asyncio.sleep(wait)
            self.flush_due.clear()
            await self.flush()

    async def flush(self) -> None:
        if not self.buffer:
            return
        events, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        await self.db(events_record, self.run.thread_id, self.run.pk, events)

    async def _watch(self, stream: asyncio.Task[None]) -> None:
        """Poll for cancellation every CANCEL_POLL_SECONDS (a read) and write the
        heartbeat every HEARTBEAT_SECONDS; enforce RUN_TIMEOUT_SECONDS."""
        poll = float(settings.BUILDER["CANCEL_POLL_SECONDS"])
        every = float(settings.BUILDER["HEARTBEAT_SECONDS"])
        limit = float(settings.BUILDER["RUN_TIMEOUT_SECONDS"] or 0)
        started = self.run.started_at
        last_beat = time.monotonic()
        while not stream.done():
            await asyncio.sleep(poll)
            if limit and started and (timezone.now() - started).total_seconds() > limit:
                self.stop_reason = "timeout"
                stream.cancel()
                return
            beat = time.monotonic() - last_beat >= every
            if beat:
                last_beat = time.monotonic()
            reason = await self.db(run_heartbeat, self.run.pk, worker=self.worker, beat=beat)
            if reason:
                self.stop_reason = reason
                stream.cancel()
                return

    async def _final_values(self, config: dict[str, Any]) -> Any:
        get_state = getattr(self.graph, "aget_state", None)
        if get_state is None:
            return None
        config = {"configurable": {"thread_id": config["configurable"]["thread_id"]}}
        try:
            snapshot = await get_state(config)
        except Exception:  # the cache is a convenience; the checkpoints are the truth
            logger.warning("run %s: reading the final state failed", self.run.pk, exc_info=True)
            return None
        if getattr(snapshot, "next", None):
            self.interrupted = True
        self.interrupts = interrupts_by_task(snapshot)
        return jsonable(getattr(snapshot, "values", None))


def command_from_json(command: dict[str, Any]) -> Any:
    """A runtime Command from its JSON form; ``goto`` entries shaped ``{"node", "input"}``
    become Send packets, as LangGraph Server reads them."""
    fields = dict(command)
    goto = fields.get("goto")
    if goto is not None:
        items = goto if isinstance(goto, list) else [goto]
        sends = [Send(g["node"], g.get("input")) if isinstance(g, dict) else g for g in items]
        fields["goto"] = sends if isinstance(goto, list) else sends[0]
    return Command(**fields)


def merge_config(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` with ``override`` on top; ``configurable`` merges by key."""
    merged = json.loads(json.dumps(base))
    for key, value in json.loads(json.dumps(override)).items():
        if key == "configurable" and isinstance(value, dict):
            merged.setdefault("configurable", {}).update(value)
        else:
            merged[key] = value
    return merged


def stream_part_events(
    namespace: tuple[str, ...], mode: str, data: Any, started: dict[str, float] | None = None
) -> list[tuple[str, Any]]:
    """Map one ``(namespace, mode, data)`` item of the engine's stream to events, each
    checked against its definition (builder.eventtypes).

    ``started`` keeps the monotonic start time of running tasks (by task id) across
    calls, so that a task's finish event carries its duration."""
    ns = list(namespace)
    if mode == "updates" and isinstance(data, dict) and "__interrupt__" in data:
        return [
            ("interrupt", event_data("interrupt", {"ns": ns, "interrupt": jsonable(item)}))
            for item in data["__interrupt__"] or ()
        ]
    if mode == "values" and isinstance(data, dict) and "__interrupt__" in data:
        return []  # the same interrupts arrive as the "updates" chunk above
    if mode == "tasks" and isinstance(data, dict):
        kind, payload = task_event(ns, data, started if started is not None else {})
        return [(kind, event_data(kind, payload))]
    if mode == "checkpoints":
        return [
            (
                "checkpoint.created",
                event_data("checkpoint.created", {"ns": ns, "checkpoint": jsonable(data)}),
            )
        ]
    if mode == "messages" and isinstance(data, tuple | list) and len(data) == 2:
        chunk, metadata = data
        payload = {"ns": ns, "chunk": jsonable(chunk), "metadata": jsonable(metadata)}
        return [("messages", event_data("messages", payload))]
    return [(mode, event_data(mode, {"ns": ns, "data": jsonable(data)}))]


def task_event(ns: list[str], data: dict[str, Any], started: dict[str, float]) -> tuple[str, Any]:
    """A ``tasks`` stream item as a task.started / task.finished / task.failed event.

    The engine streams LangGraph's shape (the exception, the writes as a dict); the event
    log keeps its own: the error as "Type: message", the writes as pairs, the duration."""
    task_id = str(data.get("id"))
    if "result" not in data:
        started[task_id] = time.monotonic()
        return "task.started", {"ns": ns, **jsonable(data)}
    payload = dict(data)
    error = payload.get("error")
    if isinstance(error, BaseException):
        payload["error"] = f"{type(error).__name__}: {error}"
    result = payload.get("result")
    if isinstance(result, dict):
        payload["result"] = [
            (key, one)
            for key, value in result.items()
            for one in (value["$writes"] if _is_multiple_writes(value) else [value])
        ]
    begun = started.pop(task_id, None)
    if begun is not None:
        payload["duration_ms"] = round((time.monotonic() - begun) * 1000, 3)
    kind = "task.failed" if payload.get("error") else "task.finished"
    return kind, {"ns": ns, **jsonable(payload)}


def _is_multiple_writes(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("$writes"), list) and len(value) == 1


def _error(exc: BaseException) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc))[-4000:],
    }


# The executors run this body for every dispatched run (see builder.execution.dispatch).
register_run_body(execute_run)
