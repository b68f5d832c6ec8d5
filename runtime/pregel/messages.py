"""The ``messages`` stream mode: chat-model tokens and the messages nodes return.

As in LangGraph: a chat model called inside a node (LangChain's callbacks reach it through
the node's config, given explicitly or inherited) streams its ``AIMessageChunk`` pieces;
when a node returns, each message object in its update that was not streamed and was not
already in its input goes out whole. Messages of a nested graph's nodes are streamed only
with ``subgraphs=True``; otherwise they reach the stream in the update of the parent's node.
One ``MessageStream`` serves a run and the graphs nested in it (ids seen are shared).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk

from runtime.constants import CONF, NS_SEP
from runtime.types import Command

try:  # makes a chat model's invoke() stream its tokens to this handler (as LangGraph's does)
    from langchain_core.tracers._streaming import _StreamingCallbackHandler
except ImportError:  # pragma: no cover - older langchain-core
    _StreamingCallbackHandler = object  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from runtime.pregel.context import TaskContext

# Keys of the run's ``configurable`` that LangGraph copies into the metadata of each chunk.
PROPAGATED = (
    "thread_id",
    "checkpoint_id",
    "checkpoint_ns",
    "task_id",
    "run_id",
    "assistant_id",
    "graph_id",
)

Meta = tuple[tuple[str, ...], dict[str, Any]]


def graph_namespace(task_ns: str) -> tuple[str, ...]:
    """The namespace of the graph a task runs in: its own namespace minus its segment."""
    return tuple(task_ns.split(NS_SEP))[:-1]


class MessageStream:
    """The ``messages`` stream of one run: emits ``(message, metadata)`` once per message id."""

    def __init__(
        self,
        put: Any,
        subgraphs: bool,
        root_config: dict[str, Any],
        base: tuple[str, ...] = (),
    ) -> None:
        self.put = put  # put(ns, mode, payload), thread-safe
        self.subgraphs = subgraphs
        # the namespace of the graph whose stream this is (a graph streamed inside a
        # node): its own nodes' messages are its top level
        self.base = base
        self.seen: set[str] = set()
        conf = root_config.get(CONF) or {}
        self.propagated = {k: conf[k] for k in PROPAGATED if conf.get(k)}
        self.handler = _ChatModelHandler(self)

    def meta(self, ctx: TaskContext) -> Meta | None:
        """The namespace and metadata of ``ctx``'s messages, or None when not streamed."""
        ns = self.streamed_ns(ctx.task.ns)
        return None if ns is None else (ns, self._metadata(ctx))

    def streamed_ns(self, task_ns: str) -> tuple[str, ...] | None:
        """The namespace a task's messages are streamed under, or None when they are not."""
        ns = graph_namespace(task_ns)
        if self.base and ns[: len(self.base)] == self.base:
            ns = ns[len(self.base) :]
        return None if ns and not self.subgraphs else ns

    def _metadata(self, ctx: TaskContext) -> dict[str, Any]:
        # a chat model replaces ls_integration with its own, as under LangGraph
        return {
            "ls_integration": "langgraph",
            **self.propagated,
            **(ctx.config.get("metadata") or {}),
        }

    def emit(self, meta: Meta, message: BaseMessage, *, dedupe: bool) -> None:
        if dedupe and message.id in self.seen:
            return
        if message.id is None:
            message.id = str(uuid.uuid4())
        self.seen.add(message.id)
        self.put(meta[0], "messages", (message, meta[1]))

    def task_started(self, ctx: TaskContext) -> None:
        """Messages a node receives are not news when it returns them."""
        if self.meta(ctx) is None:
            return
        for value in _values(ctx.task.input):
            for m in _messages_in(value):
                if m.id is not None:
                    self.seen.add(m.id)

    def task_returned(self, ctx: TaskContext, output: Any) -> None:
        """Emit the message objects in what a node returned that were not emitted yet."""
        meta = self.meta(ctx)
        if meta is None:
            return
        outputs = output if _is_command_list(output) else [output]
        for out in outputs:
            update = out.update if isinstance(out, Command) else out
            if isinstance(update, BaseMessage) or isinstance(update, Sequence):
                values: Any = [update]
            else:
                values = _values(update)
            for value in values:
                for m in _messages_in(value):
                    self.emit(meta, m, dedupe=True)

    def written(self, ctx: TaskContext, message: BaseMessage) -> None:
        """A message a node sent itself (``push_message``, the message writer): always emitted."""
        meta = self.meta(ctx)
        if meta is not None:
            self.emit(meta, message, dedupe=False)

    def langchain_config(self, ctx: TaskContext) -> dict[str, Any]:
        """The LangChain config a chat model inside the node inherits: our callbacks, the
        task's metadata (LangChain adds the model's own) and its configurable."""
        return {
            "callbacks": [self.handler],
            "metadata": self._metadata(ctx),
            "configurable": ctx.config.get(CONF) or {},
            "tags": list(ctx.config.get("tags") or []),
        }


def _is_command_list(output: Any) -> bool:
    return isinstance(output, list | tuple) and any(isinstance(o, Command) for o in output)


def _values(obj: Any) -> list[Any]:
    """Top-level field values of a state or update (dict, pydantic model or dataclass)."""
    if isinstance(obj, dict):
        return list(obj.values())
    fields = getattr(type(obj), "model_fields", None)
    if isinstance(fields, dict):
        return [getattr(obj, k, None) for k in fields]
    dc_fields = getattr(obj, "__dataclass_fields__", None)
    if isinstance(dc_fields, dict):
        return [getattr(obj, k) for k in dc_fields]
    return []


def _messages_in(value: Any) -> list[BaseMessage]:
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [m for m in value if isinstance(m, BaseMessage)]
    return []


class _ChatModelHandler(BaseCallbackHandler, _StreamingCallbackHandler):  # type: ignore[misc]
    """LangChain callbacks of the chat models a node calls: their tokens go to the stream."""

    run_inline = True  # called in the model's thread, in order (the sink is thread-safe)

    def __init__(self, stream: MessageStream) -> None:
        self.stream = stream
        self.runs: dict[uuid.UUID, Meta] = {}

    def tap_output_aiter(self, run_id: uuid.UUID, output: Any) -> Any:
        return output

    def tap_output_iter(self, run_id: uuid.UUID, output: Any) -> Any:
        return output

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: uuid.UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not metadata or (tags and "nostream" in tags):
            return
        ns = self.stream.streamed_ns(str(metadata.get("langgraph_checkpoint_ns", "")))
        if ns is None:
            return
        user_tags = [t for t in tags or () if not t.startswith("seq:step")]
        if user_tags:
            metadata["tags"] = user_tags
        self.runs[run_id] = (ns, metadata)

    def on_llm_new_token(  # type: ignore[override]
        self, token: Any, *, chunk: Any = None, run_id: uuid.UUID, **kwargs: Any
    ) -> None:
        meta = self.runs.get(run_id)
        if meta is not None and isinstance(chunk, ChatGenerationChunk):
            self.stream.emit(meta, chunk.message, dedupe=False)

    def on_llm_end(self, response: Any, *, run_id: uuid.UUID, **kwargs: Any) -> None:
        meta = self.runs.pop(run_id, None)
        if meta is not None and response.generations and response.generations[0]:
            gen = response.generations[0][0]
            if isinstance(gen, ChatGeneration):
                self.stream.emit(meta, gen.message, dedupe=True)

    def on_llm_error(self, error: BaseException, *, run_id: uuid.UUID, **kwargs: Any) -> None:
        self.runs.pop(run_id, None)
