"""From the persisted event log to LangGraph Server's SSE frames, one stream mode at a time.

``FrameTranslator`` turns each log event of one run into the ``(event name, data)`` frames
the requested stream modes ask for. It keeps what some modes accumulate across events
(the message so far for ``messages``, the step and last values for ``events``), so one
translator follows one run from its first event, or from a resume point.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from builder.wire.messages import message as wire_message
from builder.wire.messages import whole_message, with_messages
from builder.wire.state import streamed_interrupt

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

Frames = list[tuple[str, Any]]

# The name LangGraph gives the root runnable in astream_events.
ROOT_NAME = "LangGraph"


def _is_chunk(message: dict[str, Any]) -> bool:
    return "chunk" in str(message.get("type") or message.get("role") or "").lower()


def _merge_tool_call_chunks(seen: list[dict[str, Any]], pieces: Iterable[Any]) -> None:
    """Pieces with the same ``index`` belong to one tool call: their ``args`` strings
    concatenate, the first id and name win (LangChain's chunk addition)."""
    for piece in pieces:
        if not isinstance(piece, dict):
            continue
        index = piece.get("index")
        same = next((c for c in seen if index is not None and c.get("index") == index), None)
        if same is None:
            seen.append(dict(piece))
            continue
        for key in ("id", "name"):
            if same.get(key) is None and piece.get(key) is not None:
                same[key] = piece[key]
        if isinstance(piece.get("args"), str):
            same["args"] = str(same.get("args") or "") + piece["args"]


class _Message:
    """One message being streamed: the accumulation, and which node streams it."""

    __slots__ = ("value", "node", "ns", "complete", "metadata")

    def __init__(self, first: dict[str, Any], metadata: Any, ns: list[str]) -> None:
        self.value = {**first, "content": "", "tool_call_chunks": []}
        self.metadata = metadata if isinstance(metadata, dict) else {}
        self.node = self.metadata.get("langgraph_node")
        self.ns = ns
        self.complete = False

    def add(self, chunk: dict[str, Any]) -> None:
        piece = chunk.get("content")
        if isinstance(piece, str) and isinstance(self.value.get("content"), str):
            self.value["content"] += piece
        elif piece not in (None, ""):
            self.value["content"] = piece
        _merge_tool_call_chunks(self.value["tool_call_chunks"], chunk.get("tool_call_chunks") or ())
        for key, value in chunk.items():
            if key not in ("content", "tool_call_chunks") and value is not None:
                self.value.setdefault(key, value)


class FrameTranslator:
    """Turns one run's log events into ``(event name, data)`` frames for the requested
    modes (``messages-tuple`` chunks, ``messages/*`` accumulations, ``events``...)."""

    def __init__(self, modes: Iterable[str], subgraphs: bool, run_id: Any = None) -> None:
        self.modes = set(modes) or {"values"}
        self.subgraphs = subgraphs
        self.run_id = str(run_id) if run_id is not None else None
        self.messages: dict[str, _Message] = {}
        # What LangGraph Server adds to each message's metadata: the run's own
        # (graph_id, assistant_id, run_id, thread_id, run_attempt...).
        self.run_metadata: dict[str, Any] = {}
        self.step: int | None = None
        self.values: Any = None

    def frames(self, event: dict[str, Any]) -> Frames:
        data = event.get("data") or {}
        ns = list(data.get("ns") or []) if isinstance(data, dict) else []
        kind = event["type"]
        if ns and not self.subgraphs:
            # Without stream_subgraphs only LLM tokens come out of subgraphs (as LangGraph's
            # messages mode does), unsuffixed; a subgraph's task still ends its messages.
            if kind == "messages":
                return self._messages(data, ns)
            if kind in ("task.finished", "task.failed") and self.messages:
                payload = data if isinstance(data, dict) else {}
                return self._complete_messages(payload.get("name"), ns, payload.get("result"))
            return []
        out = self._frames(kind, data, event.get("ts"), ns)
        if ns:
            suffix = "|" + "|".join(ns)
            out = [(name + suffix, payload) for name, payload in out]
        return out

    def _frames(self, kind: str, data: dict[str, Any], ts: Any, ns: list[str]) -> Frames:
        modes = self.modes
        if kind == "values" and not ns:
            self.values = data.get("data")
        if kind in ("values", "updates", "custom"):
            return [(kind, with_messages(data.get("data")))] if kind in modes else []
        if kind == "interrupt":
            return self._interrupt(data, ns)
        if kind == "messages":
            return self._messages(data, ns)
        if kind.startswith("task."):
            return self._task(kind, data, ts, ns)
        if kind == "checkpoint.created":
            checkpoint = data.get("checkpoint")
            step = ((checkpoint or {}).get("metadata") or {}).get("step")
            if isinstance(step, int) and not ns:
                self.step = step
            out: Frames = [("checkpoints", checkpoint)] if "checkpoints" in modes else []
            if "debug" in modes:
                out.append(("debug", _debug("checkpoint", checkpoint, ts)))
            return out
        if "events" in modes and not ns:
            if kind == "run.started":
                return [("events", self._event("on_chain_start", ROOT_NAME, self.run_id, {}))]
            if kind == "run.finished":
                data_out = {"output": self.values}
                return [("events", self._event("on_chain_end", ROOT_NAME, self.run_id, data_out))]
        return []

    def _interrupt(self, data: dict[str, Any], ns: list[str]) -> Frames:
        """As LangGraph streams a pause: ``updates`` gets ``{"__interrupt__": [...]}``
        and ``values`` the state so far with ``__interrupt__`` added (also when both
        modes are asked for)."""
        interrupts = [streamed_interrupt(data.get("interrupt"))]
        out: Frames = []
        if "updates" in self.modes:
            out.append(("updates", {"__interrupt__": interrupts}))
        if "values" in self.modes:
            values = with_messages(self.values) if not ns else None
            base = values if isinstance(values, dict) else {}
            out.append(("values", {**base, "__interrupt__": interrupts}))
        return out

    # --- messages -----------------------------------------------------------------------

    def _messages(self, data: dict[str, Any], ns: list[str]) -> Frames:
        chunk, metadata = data.get("chunk"), data.get("metadata")
        if self.run_metadata:
            metadata = {**self.run_metadata, **(metadata if isinstance(metadata, dict) else {})}
        out: Frames = []
        if "messages-tuple" in self.modes:
            shown = wire_message(chunk) if isinstance(chunk, dict) else chunk
            out.append(("messages", [shown, metadata]))
        if not isinstance(chunk, dict):
            return out
        message_id = str(chunk.get("id") or "")
        if not _is_chunk(chunk):
            # A whole message (a node returned it without streaming it).
            if "messages" in self.modes:
                out.append(("messages/metadata", {message_id: {"metadata": metadata}}))
                out.append(("messages/complete", [whole_message(chunk)]))
            return out
        seen = self.messages.get(message_id)
        first = seen is None
        if seen is None:
            seen = self.messages[message_id] = _Message(chunk, metadata, ns)
        seen.add(chunk)
        if "messages" in self.modes:
            if first:
                out.append(("messages/metadata", {message_id: {"metadata": metadata}}))
            out.append(("messages/partial", [whole_message(seen.value)]))
        if "events" in self.modes:
            name = seen.metadata.get("langgraph_node") or "model"
            if first:
                out.append(
                    ("events", self._event("on_chat_model_start", name, message_id, {}, metadata))
                )
            out.append(
                (
                    "events",
                    self._event(
                        "on_chat_model_stream", name, message_id, {"chunk": chunk}, metadata
                    ),
                )
            )
        return out

    def _complete_messages(self, node: Any, ns: list[str], result: Any) -> Frames:
        """When a node finishes, the messages it streamed are complete: the version it
        returned (same id) when there is one, else what was streamed."""
        returned = {}
        for write in result if isinstance(result, list) else ():
            if isinstance(write, list | tuple) and len(write) == 2:
                for value in write[1] if isinstance(write[1], list) else [write[1]]:
                    if isinstance(value, dict) and value.get("id") is not None:
                        returned[str(value["id"])] = value
        out: Frames = []
        for message_id, message in self.messages.items():
            if message.complete or message.node != node or message.ns != ns:
                continue
            message.complete = True
            final = whole_message(returned.get(message_id) or message.value)
            if "messages" in self.modes:
                out.append(("messages/complete", [final]))
            if "events" in self.modes:
                name = message.node or "model"
                out.append(
                    (
                        "events",
                        self._event(
                            "on_chat_model_end",
                            name,
                            message_id,
                            {"output": final},
                            message.metadata,
                        ),
                    )
                )
        return out

    # --- tasks --------------------------------------------------------------------------

    def _task(self, kind: str, data: dict[str, Any], ts: Any, ns: list[str]) -> Frames:
        modes = self.modes
        payload = with_messages({k: v for k, v in data.items() if k != "ns"})
        out: Frames = []
        if kind != "task.started" and self.messages:
            out += self._complete_messages(payload.get("name"), ns, payload.get("result"))
        shown = _task_payload(payload)
        if "tasks" in modes:
            out.append(("tasks", shown))
        if "debug" in modes:
            debug_type = "task" if kind == "task.started" else "task_result"
            out.append(("debug", _debug(debug_type, shown, ts)))
        if "events" in modes and not ns:
            out.append(("events", self._task_event(kind, payload)))
        return out

    def _task_event(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        name = payload.get("name")
        step = None if self.step is None else self.step + 1
        metadata = {
            "langgraph_node": name,
            "langgraph_step": step,
            "langgraph_triggers": payload.get("triggers"),
        }
        if kind == "task.started":
            return self._event(
                "on_chain_start", name, payload.get("id"), {"input": payload.get("input")}, metadata
            )
        output: dict[str, Any] = {}
        for write in payload.get("result") or ():
            if isinstance(write, list | tuple) and len(write) == 2:
                output[str(write[0])] = write[1]
        data: dict[str, Any] = {"output": output}
        if payload.get("error"):
            data = {"output": None, "error": payload["error"]}
        return self._event("on_chain_end", name, payload.get("id"), data, metadata)

    def _event(
        self,
        kind: str,
        name: Any,
        run_id: Any,
        data: dict[str, Any],
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One astream_events (v2) record."""
        meta = dict(metadata or {})
        step = meta.get("langgraph_step")
        tags = [f"graph:step:{step}"] if isinstance(step, int) else []
        is_root = run_id == self.run_id and name == ROOT_NAME
        return {
            "event": kind,
            "name": name,
            "run_id": str(run_id) if run_id is not None else None,
            "parent_ids": [] if is_root or self.run_id is None else [self.run_id],
            "tags": tags,
            "metadata": {**meta, "run_id": self.run_id},
            "data": data,
        }


def _task_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A task as the tasks and debug modes show it on LangGraph Server: its result as
    ``{channel: value}`` (the log keeps the writes as ``[channel, value]`` pairs), its
    interrupts as streamed."""
    out = dict(payload)
    if out.get("interrupts"):
        out["interrupts"] = [streamed_interrupt(i) for i in out["interrupts"]]
    result = out.get("result")
    pairs = isinstance(result, list) and all(
        isinstance(w, list | tuple) and len(w) == 2 and isinstance(w[0], str) for w in result
    )
    if pairs:
        out["result"] = {channel: value for channel, value in result}
    return out


def _debug(kind: str, payload: Any, ts: Any) -> dict[str, Any]:
    step = payload.get("step") if isinstance(payload, dict) else None
    if step is None and isinstance(payload, dict):
        step = (payload.get("metadata") or {}).get("step")
    return {"type": kind, "step": step, "timestamp": ts, "payload": payload}
