"""The two engines a benchmark runs on, behind one small interface.

Workloads are written once against :class:`Engine`, so the very same graph code runs on
Switchyard's ``runtime`` and on LangGraph. Each engine is imported only when asked for, so
the LangGraph subprocess never touches ``runtime`` (and the project interpreter never needs
LangGraph).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ENGINES = ("runtime", "langgraph")


@dataclass(frozen=True)
class Engine:
    """What a workload needs from an engine: graph building blocks and a checkpointer."""

    name: str
    version: str
    StateGraph: Any
    START: str
    END: str
    Send: Any
    add_messages: Callable[[Any, Any], Any]
    new_saver: Callable[[], Any]
    storage_bytes: Callable[[Any], int]


def load(name: str) -> Engine:
    """Import engine ``name`` ("runtime" or "langgraph")."""
    if name == "runtime":
        return _runtime()
    if name == "langgraph":
        return _langgraph()
    raise ValueError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")


def _runtime() -> Engine:
    from runtime import END, START, Send, StateGraph, add_messages
    from runtime.checkpoint import InMemoryCheckpointer

    return Engine(
        name="runtime",
        version="working tree",
        StateGraph=StateGraph,
        START=START,
        END=END,
        Send=Send,
        add_messages=add_messages,
        new_saver=InMemoryCheckpointer,
        storage_bytes=_runtime_storage_bytes,
    )


def _runtime_storage_bytes(saver: Any) -> int:
    """UTF-8 bytes of every serialised string an InMemoryCheckpointer holds."""
    total = 0
    for rows in saver.checkpoints.values():
        for ts, versions, meta, _parent in rows.values():
            total += _size(ts) + _size(versions) + _size(meta)
    for _kind, data, _base in saver.blobs.values():
        total += _size(data)
    for bucket in saver.writes.values():
        for data in bucket.values():
            total += _size(data)
    return total


def _langgraph() -> Engine:
    from importlib.metadata import version

    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import END, START, StateGraph
    from langgraph.graph.message import add_messages
    from langgraph.types import Send

    return Engine(
        name="langgraph",
        version=version("langgraph"),
        StateGraph=StateGraph,
        START=START,
        END=END,
        Send=Send,
        add_messages=add_messages,
        new_saver=InMemorySaver,
        storage_bytes=_langgraph_storage_bytes,
    )


def _langgraph_storage_bytes(saver: Any) -> int:
    """Bytes of every serialised value a LangGraph InMemorySaver holds."""
    total = 0
    for namespaces in saver.storage.values():
        for rows in namespaces.values():
            for ckpt, meta, _parent in rows.values():
                total += _size(ckpt[1]) + _size(meta[1])
    for _type, data in saver.blobs.values():
        total += _size(data)
    for bucket in saver.writes.values():
        for _task, _channel, (_type, data), _path in bucket.values():
            total += _size(data)
    return total


def _size(data: str | bytes | None) -> int:
    if data is None:
        return 0
    return len(data.encode()) if isinstance(data, str) else len(data)
