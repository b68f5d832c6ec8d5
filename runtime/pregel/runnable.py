"""The Runnable surface of a compiled graph, as LangGraph's Pregel has it from LangChain.

``with_config``/``copy`` bind configuration, ``batch``/``abatch`` run several inputs,
``get_*_jsonschema`` describe the input, output and context, and ``astream_events``
(version "v2") reports the run as LangChain events. The graph's own run methods
(``invoke``, ``astream``, ...) live in ``runtime.pregel.graph``.
"""

from __future__ import annotations

import asyncio
import copy as copying
import dataclasses
import inspect
import types
import uuid
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from typing_extensions import is_typeddict  # also knows typing_extensions.TypedDict

from runtime.constants import CONF

_MERGED_KEYS = ("metadata", CONF)


def merge_configs(*configs: dict[str, Any] | None) -> dict[str, Any]:
    """Later configs win key by key; ``metadata`` and ``configurable`` merge, tags add up."""
    out: dict[str, Any] = {}
    for config in configs:
        for key, value in (config or {}).items():
            if key in _MERGED_KEYS and isinstance(value, dict):
                out[key] = {**(out.get(key) or {}), **value}
            elif key == "tags" and value is not None:
                out[key] = list(dict.fromkeys([*(out.get(key) or []), *value]))
            else:
                out[key] = value
    return out


def json_schema_of(schema: Any, title: str) -> dict[str, Any]:
    """A JSON schema for a state/input/output schema, as LangGraph builds it with pydantic."""
    from pydantic import BaseModel, TypeAdapter, create_model

    if inspect.isclass(schema) and issubclass(schema, BaseModel):
        return schema.model_json_schema()
    if is_typeddict(schema):
        return TypeAdapter(_portable_typeddict(schema)).json_schema()
    if dataclasses.is_dataclass(schema):
        return _dataclass_model(schema, title).model_json_schema()
    model: Any = create_model(title, root=(schema, None))  # a root schema: one value
    return model.model_json_schema()


def _dataclass_model(schema: Any, title: str) -> Any:
    """A pydantic model of a dataclass's fields, as LangGraph builds it: a field with a
    default or an optional type may be left out, the others are required."""
    from pydantic import Field, create_model

    hints = get_type_hints(schema, include_extras=True)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(schema):
        typ = hints.get(f.name, Any)
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
        else:
            default = None if _is_optional(typ) else ...
        fields[f.name] = (typ, default)
    return create_model(title, **fields)


def _is_optional(typ: Any) -> bool:
    if get_origin(typ) is Annotated:
        typ = get_args(typ)[0]
    return get_origin(typ) in (Union, types.UnionType) and type(None) in get_args(typ)


def _portable_typeddict(schema: Any) -> Any:
    """The same TypedDict declared with typing_extensions (pydantic needs that before 3.12)."""
    from typing import NotRequired, Required

    from typing_extensions import TypedDict as PortableTypedDict

    hints = get_type_hints(schema, include_extras=True)
    required = getattr(schema, "__required_keys__", frozenset(hints))
    fields = {k: Required[v] if k in required else NotRequired[v] for k, v in hints.items()}
    portable: Any = PortableTypedDict(schema.__name__, fields)  # type: ignore[misc,operator]
    portable.__doc__ = schema.__doc__
    return portable


def _configs(config: Any, count: int) -> list[dict[str, Any]]:
    if isinstance(config, Sequence) and not isinstance(config, dict):
        if len(config) != count:
            raise ValueError(
                f"batch got {len(config)} configs for {count} inputs; pass one, or one per input"
            )
        return [dict(c or {}) for c in config]
    return [dict(config or {}) for _ in range(count)]


class RunnableSurface:
    """Mixed into CompiledStateGraph: LangChain's Runnable methods LangGraph users call."""

    name: str
    builder: Any
    config: dict[str, Any] | None

    def invoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def ainvoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        raise NotImplementedError

    def astream(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        raise NotImplementedError

    # --- binding -------------------------------------------------------------------

    def copy(self, update: dict[str, Any] | None = None) -> Any:
        """A shallow copy with the attributes in ``update`` replaced."""
        new = copying.copy(self)
        for key, value in (update or {}).items():
            if not hasattr(self, key):
                raise AttributeError(f"{type(self).__name__} has no attribute {key!r} to update")
            setattr(new, key, value)
        return new

    def with_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """A copy whose runs use ``config`` (and ``kwargs`` as config keys) under theirs."""
        return self.copy({"config": merge_configs(self.config, config, kwargs)})

    # --- several inputs ------------------------------------------------------------

    def batch(
        self,
        inputs: Sequence[Any],
        config: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        """``invoke`` each input (concurrently, at most config ``max_concurrency`` at once)."""
        if not inputs:
            return []
        configs = _configs(config, len(inputs))
        workers = configs[0].get("max_concurrency") or len(inputs)

        def one(item: Any, conf: dict[str, Any]) -> Any:
            try:
                return self.invoke(item, conf, **kwargs)
            except Exception as exc:
                if return_exceptions:
                    return exc
                raise

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, inputs, configs))

    async def abatch(
        self,
        inputs: Sequence[Any],
        config: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        """``ainvoke`` each input concurrently (at most config ``max_concurrency`` at once)."""
        if not inputs:
            return []
        configs = _configs(config, len(inputs))
        slots = asyncio.Semaphore(configs[0].get("max_concurrency") or len(inputs))

        async def one(item: Any, conf: dict[str, Any]) -> Any:
            async with slots:
                return await self.ainvoke(item, conf, **kwargs)

        return list(
            await asyncio.gather(
                *(one(i, c) for i, c in zip(inputs, configs, strict=True)),
                return_exceptions=return_exceptions,
            )
        )

    # --- schemas -------------------------------------------------------------------

    def get_input_jsonschema(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        b = self.builder
        return json_schema_of(b.input_schema or b.state_schema, f"{self.name}Input")

    def get_output_jsonschema(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        b = self.builder
        return json_schema_of(b.output_schema or b.state_schema, f"{self.name}Output")

    def get_context_jsonschema(self) -> dict[str, Any] | None:
        schema = self.builder.context_schema
        if schema is None:
            return None
        from pydantic import BaseModel

        is_model = inspect.isclass(schema) and issubclass(schema, BaseModel)
        if not (is_model or is_typeddict(schema) or dataclasses.is_dataclass(schema)):
            raise ValueError(
                f"Invalid context schema type: {schema}. Must be a BaseModel, TypedDict or dataclass."
            )
        return json_schema_of(schema, f"{self.name}Context")

    # --- events --------------------------------------------------------------------

    async def astream_events(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        version: str = "v2",
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """The run as LangChain "v2" events: the graph's and each node's start, stream, end."""
        if version != "v2":
            raise ValueError(f'astream_events supports version="v2" only, got {version!r}')
        events = _EventLog(
            self.name,
            input,
            config,
            _Filter(
                include_names,
                include_types,
                include_tags,
                exclude_names,
                exclude_types,
                exclude_tags,
            ),
        )
        mode = kwargs.pop("stream_mode", None)
        modes = [mode] if isinstance(mode, str) else list(mode or ["updates"])  # astream's
        shape = _Shape(
            single=mode is None or isinstance(mode, str), subgraphs=kwargs.pop("subgraphs", False)
        )
        for event in events.start():
            yield event
        stream = self.astream(
            input, events.config, stream_mode=[*modes, "values", "tasks"], subgraphs=True, **kwargs
        )
        async for ns, chunk_mode, chunk in stream:
            for event in events.part(ns, chunk_mode, chunk, modes, shape):
                yield event
        for event in events.end():
            yield event


@dataclasses.dataclass(frozen=True, slots=True)
class _Shape:
    """How ``astream`` would shape a chunk for the caller's stream_mode and subgraphs."""

    single: bool
    subgraphs: bool

    def of(self, ns: tuple[str, ...], mode: str, chunk: Any) -> Any:
        body = (chunk,) if self.single else (mode, chunk)
        if self.subgraphs:
            body = (ns, *body)
        return body[0] if len(body) == 1 else body


class _Filter:
    """LangChain's include/exclude rules for astream_events (names, run types, tags)."""

    def __init__(self, *rules: Sequence[str] | None) -> None:
        self.include = [set(r) if r is not None else None for r in rules[:3]]
        self.exclude = [set(r or ()) for r in rules[3:]]

    def keep(self, name: str, kind: str, tags: Sequence[str]) -> bool:
        names, kinds, tagset = self.include
        keep = names is None and kinds is None and tagset is None
        keep = keep or bool(names and name in names) or bool(kinds and kind in kinds)
        keep = keep or bool(tagset and tagset.intersection(tags))
        ex_names, ex_kinds, ex_tags = self.exclude
        return keep and name not in ex_names and kind not in ex_kinds and not ex_tags & set(tags)


class _EventLog:
    """Turns one run's stream items into v2 events for the graph and its nodes."""

    def __init__(self, name: str, input: Any, config: dict[str, Any] | None, keep: _Filter) -> None:
        self.config = dict(config or {})
        self.run_id = str(self.config.pop("run_id", None) or uuid.uuid4())
        self.name = self.config.get("run_name") or name
        self.tags = list(self.config.get("tags") or [])
        self.metadata = dict(self.config.get("metadata") or {})
        self.input = input
        self.filter = keep
        self.output: Any = None
        self.nodes: dict[str, str] = {}  # task id -> node name, for tasks still running

    def _event(self, kind: str, name: str, run_id: str, data: dict[str, Any], **extra: Any) -> Any:
        tags = extra.get("tags", self.tags)
        if not self.filter.keep(name, "chain", tags):
            return None
        root = run_id == self.run_id
        return {
            "event": kind,
            "name": name,
            "run_id": run_id,
            "parent_ids": [] if root else [self.run_id],
            "tags": tags,
            "metadata": {**self.metadata, **extra.get("metadata", {})},
            "data": data,
        }

    def start(self) -> list[dict[str, Any]]:
        event = self._event("on_chain_start", self.name, self.run_id, {"input": self.input})
        return [event] if event else []

    def part(
        self, ns: tuple[str, ...], mode: str, chunk: Any, modes: list[str], shape: _Shape
    ) -> list[dict[str, Any]]:
        out: list[Any] = []
        if not ns and mode == "values":
            self.output = chunk
        if not ns and mode == "tasks":
            out.append(self._task(chunk))
        if mode in modes and (not ns or shape.subgraphs):
            data = {"chunk": shape.of(ns, mode, chunk)}
            out.append(self._event("on_chain_stream", self.name, self.run_id, data))
        return [e for e in out if e]

    def _task(self, payload: dict[str, Any]) -> Any:
        task_id, name = str(payload["id"]), str(payload["name"])
        meta = {"langgraph_node": name}
        if "result" not in payload:
            self.nodes[task_id] = name
            data = {"input": payload.get("input")}
            return self._event("on_chain_start", name, task_id, data, metadata=meta, tags=[])
        self.nodes.pop(task_id, None)
        error = payload.get("error")
        data = {"output": payload.get("result")} if error is None else {"error": error}
        return self._event("on_chain_end", name, task_id, data, metadata=meta, tags=[])

    def end(self) -> list[dict[str, Any]]:
        output = self.output
        event = self._event("on_chain_end", self.name, self.run_id, {"output": output})
        return [event] if event else []
