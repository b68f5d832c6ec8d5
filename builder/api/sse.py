"""Server-sent events of a run, framed as LangGraph Server frames them.

The source is the persisted RunEvent log, never the live engine: a stream replays what
was recorded after ``Last-Event-ID`` (the event's per-thread seq) and then follows new
rows by polling. So a reconnect resumes exactly where the client stopped, with no loss
and no duplicates, whichever process executes the run.

Frames: ``event: <mode>\\ndata: <json>\\nid: <seq>\\n\\n``; the first is ``metadata``
(``{run_id, attempt}``), the last ``end``. When one log event becomes several frames,
only the last carries the id, so a client cut between them replays the event whole.
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

from builder.models import FINISHED_RUN_STATUSES, Run
from builder.selectors.threads import events_after

POLL_SECONDS = 0.05
HEARTBEAT_SECONDS = 10.0
FINISH_EVENTS = {"run.finished", "run.failed", "run.cancelled"}
STREAM_MODES = (
    "values",
    "updates",
    "messages",
    "messages-tuple",
    "custom",
    "debug",
    "tasks",
    "checkpoints",
    "events",
)


def frame(event: str, data: Any, event_id: int | None = None) -> bytes:
    text = f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n"
    if event_id is not None:
        text += f"id: {event_id}\n"
    return (text + "\n").encode()


class FrameTranslator:
    """Turns log events into ``(event name, data)`` frames for the requested modes."""

    def __init__(self, modes: Iterable[str], subgraphs: bool) -> None:
        self.modes = set(modes) or {"values"}
        self.subgraphs = subgraphs
        self.messages: dict[str, dict[str, Any]] = {}

    def frames(self, event: dict[str, Any]) -> list[tuple[str, Any]]:
        data = event.get("data") or {}
        ns = list(data.get("ns") or []) if isinstance(data, dict) else []
        if ns and not self.subgraphs:
            return []
        out = self._frames(event["type"], data, event.get("ts"))
        if ns:
            suffix = "|" + "|".join(ns)
            out = [(name + suffix, payload) for name, payload in out]
        return out

    def _frames(self, kind: str, data: dict[str, Any], ts: Any) -> list[tuple[str, Any]]:
        modes = self.modes
        if kind in ("values", "updates", "custom"):
            return [(kind, data.get("data"))] if kind in modes else []
        if kind == "interrupt":
            chunk = {"__interrupt__": [data.get("interrupt")]}
            if "updates" in modes:
                return [("updates", chunk)]
            return [("values", chunk)] if "values" in modes else []
        if kind == "messages":
            return self._messages(data)
        if kind.startswith("task."):
            payload = {k: v for k, v in data.items() if k != "ns"}
            out = [("tasks", payload)] if "tasks" in modes else []
            if "debug" in modes:
                debug_type = "task" if kind == "task.started" else "task_result"
                out.append(("debug", _debug(debug_type, payload, ts)))
            return out
        if kind == "checkpoint.created":
            checkpoint = data.get("checkpoint")
            out = [("checkpoints", checkpoint)] if "checkpoints" in modes else []
            if "debug" in modes:
                out.append(("debug", _debug("checkpoint", checkpoint, ts)))
            return out
        return []

    def _messages(self, data: dict[str, Any]) -> list[tuple[str, Any]]:
        chunk, metadata = data.get("chunk"), data.get("metadata")
        out: list[tuple[str, Any]] = []
        if "messages-tuple" in self.modes:
            out.append(("messages", [chunk, metadata]))
        if "messages" in self.modes and isinstance(chunk, dict):
            # LangGraph Server's "messages" mode: metadata once per message, then the
            # message so far after every chunk.
            message_id = str(chunk.get("id") or "")
            seen = self.messages.get(message_id)
            if seen is None:
                out.append(("messages/metadata", {message_id: {"metadata": metadata}}))
                seen = self.messages[message_id] = {**chunk, "content": ""}
            piece = chunk.get("content")
            if isinstance(piece, str) and isinstance(seen.get("content"), str):
                seen["content"] += piece
            else:
                seen["content"] = piece
            out.append(("messages/partial", [dict(seen)]))
        return out


def _debug(kind: str, payload: Any, ts: Any) -> dict[str, Any]:
    step = payload.get("step") if isinstance(payload, dict) else None
    if step is None and isinstance(payload, dict):
        step = (payload.get("metadata") or {}).get("step")
    return {"type": kind, "step": step, "timestamp": ts, "payload": payload}


def _poll(thread_id: Any, run_id: Any, after_seq: int) -> tuple[str | None, int, list[dict]]:
    """The run's status (None when deleted) and its events after ``after_seq``.

    The status is read first: a finished run's finish event is then certainly among the
    events read next.
    """
    run = Run.objects.filter(pk=run_id).values("status", "attempt").first()
    events = events_after(thread_id=thread_id, after_seq=after_seq, run_id=run_id, limit=500)
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
    ) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        self.translator = FrameTranslator(modes, subgraphs)
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
                            error = (event.get("data") or {}).get("error") or {}
                            yield frame(
                                "error",
                                {
                                    "error": error.get("type", "Error"),
                                    "message": error.get("message", "the run failed"),
                                },
                            )
                        ended = True
                        if self.on_end is not None:
                            await db(self.on_end)
                        yield frame("end", None)
                        return
                if status is None or (status in FINISHED_RUN_STATUSES and not events):
                    # Deleted (rolled back) or finished with nothing more to read.
                    ended = True
                    if self.on_end is not None:
                        await db(self.on_end)
                    yield frame("end", None)
                    return
                if time.monotonic() - last_sent > HEARTBEAT_SECONDS:
                    yield b": heartbeat\n\n"
                    last_sent = time.monotonic()
                await asyncio.sleep(POLL_SECONDS)
                status, attempt, events = await db(
                    _poll, self.thread_id, self.run_id, self.after_seq
                )
        finally:
            if not ended and self.cancel_on_disconnect:
                executor.submit(_cancel, self.run_id)
            executor.submit(connections.close_all)
            executor.shutdown(wait=False)


def _cancel(run_id: Any) -> None:
    from builder.services.runs import run_cancel

    run = Run.objects.filter(pk=run_id).first()
    if run is not None:
        run_cancel(run=run, action="interrupt")


class WaitBody:
    """A JSON body produced once the run finishes (``/wait``, ``/join``, cancel with
    ``wait``). Newlines are sent while waiting: they keep proxies from timing out and
    are valid leading whitespace for the JSON that follows."""

    def __init__(
        self, run_id: Any, result: Callable[[], Any], on_end: Callable[[], None] | None = None
    ) -> None:
        self.run_id = run_id
        self.result = result
        self.on_end = on_end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wait")
        loop = asyncio.get_running_loop()
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
            body = await loop.run_in_executor(executor, self.result)
            yield json.dumps(body).encode()
            if self.on_end is not None:
                await loop.run_in_executor(executor, self.on_end)
        finally:
            executor.submit(connections.close_all)
            executor.shutdown(wait=False)


def _status(run_id: Any) -> str | None:
    return Run.objects.filter(pk=run_id).values_list("status", flat=True).first()
