"""Checkpoints, interrupts and thread states (``ThreadState``) as LangGraph Server
answers them, from the engine's snapshots and the event log's plain data."""

from __future__ import annotations

from typing import Any

from builder.wire.messages import with_messages
from runtime.messages import jsonable


def checkpoint(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """LangGraph Server's ``Checkpoint`` for a config (``checkpoint_map`` only when the
    checkpoint is a subgraph's)."""
    if not config:
        return None
    conf = config.get("configurable", config)
    out = {
        "checkpoint_id": conf.get("checkpoint_id"),
        "thread_id": str(conf.get("thread_id")) if conf.get("thread_id") else None,
        "checkpoint_ns": conf.get("checkpoint_ns", ""),
    }
    if conf.get("checkpoint_map"):
        out["checkpoint_map"] = conf["checkpoint_map"]
    return out


def update_result(config: dict[str, Any]) -> dict[str, Any]:
    """What ``POST /threads/{id}/state`` answers: the new checkpoint, three ways."""
    point = checkpoint(config) or {}
    configurable = {k: point.get(k) for k in ("thread_id", "checkpoint_ns", "checkpoint_id")}
    return {
        "checkpoint": configurable,
        "configurable": configurable,
        "checkpoint_id": point.get("checkpoint_id"),
    }


def _plain(interrupt: Any) -> dict[str, Any]:
    if isinstance(interrupt, dict):
        return interrupt
    to_dict = getattr(interrupt, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return {"value": getattr(interrupt, "value", interrupt), "id": getattr(interrupt, "id", None)}


def interrupt(value: Any) -> dict[str, Any]:
    """An interrupt as a state, a task and ``thread.interrupts`` show it: ``{id, value}``."""
    plain = _plain(value)
    return {"id": plain.get("id"), "value": with_messages(_jsonable(plain.get("value")))}


def streamed_interrupt(value: Any) -> dict[str, Any]:
    """An interrupt as the streams and ``/wait`` show it (``__interrupt__`` items):
    ``{value, id, response_schema}``."""
    plain = _plain(value)
    return {
        "value": with_messages(_jsonable(plain.get("value"))),
        "id": plain.get("id"),
        "response_schema": plain.get("response_schema"),
    }


def thread_interrupts(by_task: Any) -> dict[str, list[dict[str, Any]]]:
    """``thread.interrupts``: the pending interrupts keyed by the task that raised them."""
    if not isinstance(by_task, dict):
        return {}
    return {str(task): [interrupt(i) for i in items or ()] for task, items in by_task.items()}


def interrupts_by_task(snapshot: Any) -> dict[str, list[dict[str, Any]]]:
    """The snapshot's pending interrupts keyed by task id (what a thread keeps)."""
    return {
        task.id: [interrupt(i) for i in task.interrupts]
        for task in getattr(snapshot, "tasks", None) or ()
        if task.interrupts
    }


# The engine's task path kinds, by the names LangGraph gives them.
_PATH_KINDS = {"pull": "__pregel_pull", "push": "__pregel_push"}


def _path(path: Any) -> list[Any]:
    parts = _jsonable(list(path or ()))
    if parts and isinstance(parts[0], str):
        parts[0] = _PATH_KINDS.get(parts[0], parts[0])
    return parts


def _task(task: Any) -> dict[str, Any]:
    state = task.state
    nested = hasattr(state, "values") and hasattr(state, "next")
    return {
        "id": task.id,
        "name": task.name,
        "path": _path(getattr(task, "path", ())),
        "error": str(task.error) if task.error is not None else None,
        "interrupts": [interrupt(i) for i in task.interrupts or ()],
        "checkpoint": checkpoint(state) if isinstance(state, dict) else None,
        "state": snapshot(state) if nested else None,
        "result": with_messages(_jsonable(task.result)) if task.result is not None else None,
    }


def snapshot(value: Any) -> dict[str, Any]:
    """LangGraph Server's ``ThreadState`` for an engine StateSnapshot."""
    point = checkpoint(value.config)
    parent = checkpoint(value.parent_config)
    return {
        "values": with_messages(_jsonable(value.values or {})),
        "next": list(value.next or ()),
        "tasks": [_task(t) for t in value.tasks or ()],
        "metadata": _jsonable(value.metadata or {}),
        "created_at": value.created_at,
        "checkpoint": point,
        "parent_checkpoint": parent,
        "interrupts": [interrupt(i) for i in getattr(value, "interrupts", ()) or ()],
        "checkpoint_id": point["checkpoint_id"] if point else None,
        "parent_checkpoint_id": parent["checkpoint_id"] if parent else None,
    }


def empty_state() -> dict[str, Any]:
    """The state of a thread that has no checkpoint yet."""
    return {
        "values": {},
        "next": [],
        "tasks": [],
        "metadata": None,
        "created_at": None,
        "checkpoint": None,
        "parent_checkpoint": None,
        "interrupts": [],
        "checkpoint_id": None,
        "parent_checkpoint_id": None,
    }


def _jsonable(value: Any) -> Any:
    # The engine's values hold objects (messages, dataclasses): their JSON form.
    return jsonable(value)
