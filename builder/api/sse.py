"""Server-sent events of a run or a thread, framed as LangGraph Server frames them.

The source is the persisted RunEvent log, never the live engine: a stream replays what
was recorded after ``Last-Event-ID`` (the event's per-thread seq) and then follows new
rows by polling. So a reconnect resumes exactly where the client stopped, with no loss
and no duplicates, whichever process executes the run.

Frames: ``event: <mode>\\ndata: <json>\\nid: <seq>\\n\\n``; the first is ``metadata``
(``{run_id, attempt}``); the stream closes after the run's last frame (``error`` when it
failed), with no closing event of its own: LangGraph Server sends none, and clients end
on the close. When one log event becomes several frames, only the last carries the id,
so a client cut between them replays the event whole.
Which frames an event becomes is ``builder.api.sse_frames``' business.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections

from builder.api.sse_frames import STREAM_MODES, FrameTranslator
from builder.models import FINISHED_RUN_STATUSES, Run
from builder.selectors.threads import events_after
from builder.wire.resources import run_metadata

__all__ = ["STREAM_MODES", "RunStream", "ThreadStream", "WaitBody", "frame"]

POLL_SECONDS = 0.05
# Events read per poll; a full page is followed by the next at once, without the pause.
POLL_LIMIT = 500
HEARTBEAT_SECONDS = 10.0
# How often an open stream re-checks that its caller may still read the thread (removal
# from the workspace, key revocation, deactivation end the stream with an error frame).
ACCESS_RECHECK_SECONDS = 2.0
ACCESS_GONE = {"error": "Forbidden", "message": "access to this thread was withdrawn"}
FINISH_EVENTS = {"run.finished", "run.failed", "run.cancelled"}


def frame(event: str, data: Any, event_id: int | None = None) -> bytes:
    text = f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n"
    if event_id is not None:
        text += f"id: {event_id}\n"
    return (text + "\n").encode()


class AccessWatch:
    """Re-checks a stream's access at most every ACCESS_RECHECK_SECONDS.

    ``allowed`` runs in the stream's database thread; None means the stream has no caller
    to re-check (it is then always allowed)."""

    def __init__(self, allowed: Callable[[], bool] | None) -> None:
        self.allowed = allowed
        self.checked_at = time.monotonic()

    async def gone(self, db: Callable[..., Any]) -> bool:
        if self.allowed is None or time.monotonic() - self.checked_at < ACCESS_RECHECK_SECONDS:
            return False
        self.checked_at = time.monotonic()
        return not await db(self.allowed)


def _poll(thread_id: Any, run_id: Any, after_seq: int) -> tuple[str | None, int, list[dict]]:
    """The run's status (None when deleted) and its events after ``after_seq``.

    The status is read first: a finished run's finish event is then certainly among the
    events read next.
    """
    run = Run.objects.filter(pk=run_id).values("status", "attempt").first()
    events = events_after(thread_id=thread_id, after_seq=after_seq, run_id=run_id, limit=POLL_LIMIT)
    if run is None:
        return None, 0, events
    return run["status"], run["attempt"], events


class RunStream:
    """The SSE body of one run (an async iterator of frames)."""

    def __init__(
        self,
        *,
        thread_id: Any,
        run_id: Any,
        modes: Iterable[str],
        subgraphs: bool = False,
        after_seq: int = 0,
        send_metadata: bool = True,
        cancel_on_disconnect: bool = False,
        on_end: Callable[[], None] | None = None,
        access: Callable[[], bool] | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.access = AccessWatch(access)
        self.run_id = run_id
        self.translator = FrameTranslator(modes, subgraphs, run_id)
        self.after_seq = after_seq
        self.send_metadata = send_metadata
        self.cancel_on_disconnect = cancel_on_disconnect
        self.on_end = on_end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # One thread (so one database connection) per open stream, closed at the end.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sse")
        loop = asyncio.get_running_loop()

        def db(fn: Callable[..., Any], *args: Any) -> Any:
            return loop.run_in_executor(executor, functools.partial(fn, *args))

        ended = False
        try:
            status, attempt, events = await db(_poll, self.thread_id, self.run_id, self.after_seq)
            self.translator.run_metadata = await db(_run_metadata, self.run_id)
            if self.send_metadata:
                yield frame("metadata", {"run_id": str(self.run_id), "attempt": attempt or 1})
            last_sent = time.monotonic()
            while True:
                for event in events:
                    self.after_seq = event["seq"]
                    frames = self.translator.frames(event)
                    for i, (name, data) in enumerate(frames):
                        last = i == len(frames) - 1
                        yield frame(name, data, event["seq"] if last else None)
                        last_sent = time.monotonic()
                    if event["type"] in FINISH_EVENTS:
                        if event["type"] == "run.failed":
                            yield frame("error", _error_data(event.get("data") or {}))
                        ended = True
                        if self.on_end is not None:
                            await db(self.on_end)
                        return
                if status is None or (status in FINISHED_RUN_STATUSES and not events):
                    # Deleted (rolled back) or finished with nothing more to read.
                    ended = True
                    if self.on_end is not None:
                        await db(self.on_end)
                    return
                if await self.access.gone(db):
                    ended = True  # a caller without access does not cancel the run
                    yield frame("error", ACCESS_GONE)
                    return
                if time.monotonic() - last_sent > HEARTBEAT_SECONDS:
                    yield b": heartbeat\n\n"
                    last_sent = time.monotonic()
                if len(events) < POLL_LIMIT:
                    await asyncio.sleep(POLL_SECONDS)
                status, attempt, events = await db(
                    _poll, self.thread_id, self.run_id, self.after_seq
                )
        finally:
            if not ended and self.cancel_on_disconnect:
                executor.submit(_cancel, self.run_id)
            executor.submit(connections.close_all)
            executor.shutdown(wait=False)


THREAD_STREAM_MODES = ("run_modes", "lifecycle", "state_update")


class ThreadStream:
    """The SSE body of ``GET /threads/{id}/stream``: every run on the thread, one after
    another, for as long as the client listens (LangGraph Server's thread stream).

    Modes: ``run_modes`` (each run's frames in the run's own stream modes, then a
    ``metadata`` frame with ``status: run_done``), ``lifecycle`` (only the run_started /
    run_done ``metadata`` frames) and ``state_update`` (``values`` after each step and
    after ``update_state``). Without Last-Event-ID the stream starts with the active run's
    first event, or with the next event when the thread is idle.
    """

    def __init__(
        self,
        *,
        thread_id: Any,
        modes: Iterable[str],
        after_seq: int | None,
        access: Callable[[], bool] | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.access = AccessWatch(access)
        self.modes = set(modes) or {"run_modes"}
        self.after_seq = after_seq
        self.translators: dict[str, FrameTranslator] = {}

    async def __aiter__(self) -> AsyncIterator[bytes]:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sse-thread")
        loop = asyncio.get_running_loop()

        def db(fn: Callable[..., Any], *args: Any) -> Any:
            return loop.run_in_executor(executor, functools.partial(fn, *args))

        try:
            if self.after_seq is None:
                self.after_seq = await db(_thread_stream_start, self.thread_id)
            last_sent = time.monotonic()
            while True:
                exists, events = await db(_poll_thread, self.thread_id, self.after_seq)
                for event in events:
                    self.after_seq = event["seq"]
                    run_id = event.get("run_id")
                    if run_id and run_id not in self.translators and event["type"] != "run.created":
                        modes = await db(_run_stream_modes, run_id)
                        self.translators[run_id] = FrameTranslator(modes, False, run_id)
                    frames = self._frames(event)
                    for i, (name, data) in enumerate(frames):
                        last = i == len(frames) - 1
                        yield frame(name, data, event["seq"] if last else None)
                        last_sent = time.monotonic()
                if not exists:
                    return
                if await self.access.gone(db):
                    yield frame("error", ACCESS_GONE)
                    return
                if time.monotonic() - last_sent > HEARTBEAT_SECONDS:
                    yield b": heartbeat\n\n"
                    last_sent = time.monotonic()
                if len(events) < POLL_LIMIT:
                    await asyncio.sleep(POLL_SECONDS)
        finally:
            executor.submit(connections.close_all)
            executor.shutdown(wait=False)

    def _frames(self, event: dict[str, Any]) -> list[tuple[str, Any]]:
        kind = event["type"]
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        run_id = event.get("run_id") or data.get("run_id")
        run_modes = "run_modes" in self.modes
        announce = run_modes or "lifecycle" in self.modes
        out: list[tuple[str, Any]] = []
        if kind == "run.created" and run_id:
            modes = data.get("stream_mode") or ["values"]
            self.translators[run_id] = FrameTranslator(modes, False, run_id)
            return out
        translator = self.translators.get(run_id) if run_id else None
        if kind == "run.started" and announce:
            started = {"run_id": run_id, "attempt": data.get("attempt") or 1}
            out.append(("metadata", {**started, "status": "run_started"}))
        if run_modes and translator is not None:
            out += translator.frames(event)
        if "state_update" in self.modes and not any(name == "values" for name, _ in out):
            if kind == "values" and not data.get("ns"):
                out.append(("values", data.get("data")))
            elif kind == "state.updated" and "values" in data:
                out.append(("values", data["values"]))
        if kind in FINISH_EVENTS:
            self.translators.pop(run_id, None)
            if run_modes and kind == "run.failed":
                out.append(("error", _error_data(data)))
            if announce:
                done = {"run_id": run_id, "status": "run_done", "run_status": data.get("status")}
                out.append(("metadata", done))
        return out


def _error_data(data: dict[str, Any]) -> dict[str, Any]:
    error = data.get("error") or {}
    return {
        "error": error.get("type", "Error"),
        "message": error.get("message", "the run failed"),
    }


def _thread_stream_start(thread_id: Any) -> int:
    """The seq a thread stream without Last-Event-ID follows from: just before the
    active run's first event, else the thread's last event."""
    from builder.models import ACTIVE_RUN_STATUSES, RunEvent, Thread

    active = (
        Run.objects.filter(thread_id=thread_id, status__in=ACTIVE_RUN_STATUSES)
        .order_by("created_at")
        .values_list("pk", flat=True)
        .first()
    )
    if active is not None:
        first = (
            RunEvent.objects.filter(thread_id=thread_id, run_id=active)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        if first is not None:
            return first - 1
    following = Thread.objects.filter(pk=thread_id).values_list("next_event_seq", flat=True)
    return (following.first() or 1) - 1


def _poll_thread(thread_id: Any, after_seq: int) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the thread still exists, and its events after ``after_seq``."""
    from builder.models import Thread

    exists = Thread.objects.filter(pk=thread_id).exists()
    return exists, events_after(thread_id=thread_id, after_seq=after_seq, limit=POLL_LIMIT)


def _run_metadata(run_id: Any) -> dict[str, Any]:
    """The run's metadata as messages carry it on LangGraph Server."""
    run = Run.objects.filter(pk=run_id).select_related("assistant__graph").first()
    if run is None:
        return {}
    return {
        **run_metadata(run),
        "run_attempt": run.attempt or 1,
        "run_id": str(run.pk),
        "thread_id": str(run.thread_id),
    }


def _run_stream_modes(run_id: Any) -> list[str]:
    modes = Run.objects.filter(pk=run_id).values_list("stream_mode", flat=True).first()
    return list(modes or ["values"])


def _cancel(run_id: Any) -> None:
    from builder.services.runs import run_cancel

    run = Run.objects.filter(pk=run_id).first()
    if run is not None:
        run_cancel(run=run, action="interrupt")


class WaitBody:
    """A JSON body produced once the run finishes (``/wait``, ``/join``, cancel with
    ``wait``). Newlines are sent while waiting: they keep proxies from timing out and
    are valid leading whitespace for the JSON that follows. With ``cancel_on_disconnect``
    (``on_disconnect: "cancel"``) a client hanging up before the end cancels the run."""

    def __init__(
        self,
        run_id: Any,
        result: Callable[[], Any],
        on_end: Callable[[], None] | None = None,
        cancel_on_disconnect: bool = False,
    ) -> None:
        self.run_id = run_id
        self.result = result
        self.on_end = on_end
        self.cancel_on_disconnect = cancel_on_disconnect

    async def __aiter__(self) -> AsyncIterator[bytes]:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wait")
        loop = asyncio.get_running_loop()
        finished = False
        try:
            last_sent = time.monotonic()
            while True:
                status = await loop.run_in_executor(executor, _status, self.run_id)
                if status is None or status in FINISHED_RUN_STATUSES:
                    break
                if time.monotonic() - last_sent > HEARTBEAT_SECONDS:
                    yield b"\n"
                    last_sent = time.monotonic()
                await asyncio.sleep(POLL_SECONDS * 2)
            finished = True
            body = await loop.run_in_executor(executor, self.result)
            yield json.dumps(body).encode()
            if self.on_end is not None:
                await loop.run_in_executor(executor, self.on_end)
        finally:
            if not finished and self.cancel_on_disconnect:
                executor.submit(_cancel, self.run_id)
            executor.submit(connections.close_all)
            executor.shutdown(wait=False)


def _status(run_id: Any) -> str | None:
    return Run.objects.filter(pk=run_id).values_list("status", flat=True).first()
