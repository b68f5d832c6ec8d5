"""Assistants, assistant versions, threads, runs and crons as LangGraph Server answers
them."""

from __future__ import annotations

from typing import Any

from builder.models import Assistant, AssistantVersion, Cron, Run, RunStatus, Thread
from builder.wire.messages import with_messages
from builder.wire.state import thread_interrupts

# LangGraph Server's run statuses: a run that paused at an interrupt ended well
# ("success", the thread is "interrupted"); "interrupted" is a run cancelled with the
# interrupt action.
RUN_STATUS = {RunStatus.INTERRUPTED: "success", RunStatus.CANCELLED: "interrupted"}
# And back, for the runs list's status filter.
RUN_STATUS_FILTER: dict[str, list[str]] = {
    "success": [RunStatus.SUCCESS, RunStatus.INTERRUPTED],
    "interrupted": [RunStatus.CANCELLED],
}


def graph_id_of(graph: Any) -> str | None:
    if graph is None:
        return None
    return graph.code_ref or graph.slug


def assistant(row: Assistant) -> dict[str, Any]:
    return {**assistant_version(row), "updated_at": row.updated_at.isoformat()}


def assistant_version(row: Assistant | AssistantVersion) -> dict[str, Any]:
    """One immutable version (LangGraph's AssistantVersion: an assistant without
    ``updated_at``); an assistant row reads as its current version."""
    assistant_id = row.assistant_id if isinstance(row, AssistantVersion) else row.pk
    return {
        "assistant_id": str(assistant_id),
        "graph_id": graph_id_of(row.graph),
        "config": row.config or {},
        "context": row.context or {},
        "metadata": row.metadata or {},
        "version": row.version,
        "name": row.name,
        "description": row.description or None,
        "created_at": row.created_at.isoformat(),
    }


def thread(row: Thread) -> dict[str, Any]:
    metadata = dict(row.metadata or {})
    # LangGraph Server records which graph and assistant a thread runs in its metadata.
    if row.graph_id is not None:
        metadata.setdefault("graph_id", graph_id_of(row.graph))
    if row.assistant_id is not None:
        metadata.setdefault("assistant_id", str(row.assistant_id))
    return {
        "thread_id": str(row.pk),
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "state_updated_at": row.updated_at.isoformat(),
        "metadata": metadata,
        "status": row.status,
        "values": with_messages(row.values) if row.values is not None else None,
        "interrupts": thread_interrupts(row.interrupts),
        "error": None,
        "config": {},
        # Ours: the workspace the thread belongs to.
        "workspace": row.workspace.slug,
    }


def run(row: Run) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "input": row.input,
        "command": row.command,
        "config": row.config or {},
        "context": row.context or {},
        "stream_mode": row.stream_mode,
        "interrupt_before": row.interrupt_before,
        "interrupt_after": row.interrupt_after,
        "checkpoint_id": row.checkpoint_id or None,
        "webhook": row.webhook or None,
        "after_seconds": _after_seconds(row),
        # Ours: a test run of the editor's draft rather than of a published version.
        "draft": row.draft_spec is not None,
    }
    body = {
        "run_id": str(row.pk),
        "thread_id": str(row.thread_id),
        "assistant_id": str(row.assistant_id) if row.assistant_id else None,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "status": RUN_STATUS.get(row.status, row.status),
        "metadata": run_metadata(row),
        "multitask_strategy": row.multitask_strategy,
        "kwargs": kwargs,
        "attempt": row.attempt,
    }
    if row.status == RunStatus.CANCELLED:
        body["cancel_reason"] = row.cancel_action or "interrupt"
    if row.error:
        body["error"] = {k: v for k, v in row.error.items() if k != "traceback"}
    return body


def cron(row: Cron) -> dict[str, Any]:
    """LangGraph Server's Cron."""
    user = row.user
    return {
        "cron_id": str(row.pk),
        "assistant_id": str(row.assistant_id),
        "thread_id": str(row.thread_id) if row.thread_id else None,
        "on_run_completed": row.on_run_completed or None,
        "end_time": row.end_time.isoformat() if row.end_time else None,
        "schedule": row.schedule,
        "timezone": row.timezone or None,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "user_id": user.get_username() if user is not None else None,
        "payload": {**row.payload, "assistant_id": str(row.assistant_id)},
        "next_run_date": row.next_run_date.isoformat() if row.next_run_date else None,
        "metadata": row.metadata or {},
        "enabled": row.enabled,
    }


def run_metadata(row: Run) -> dict[str, Any]:
    """A run's metadata as LangGraph Server keeps it: its assistant's metadata, the graph
    and assistant it runs, then what the run was given."""
    out: dict[str, Any] = {}
    if row.assistant_id is not None:
        out.update(row.assistant.metadata or {})
        out["graph_id"] = graph_id_of(row.assistant.graph)
        out["assistant_id"] = str(row.assistant_id)
    out.update(row.metadata or {})
    return out


def _after_seconds(row: Run) -> int | None:
    # Whole seconds, as given: created_at is stamped a moment after start_after was set.
    if row.start_after is None:
        return None
    return round((row.start_after - row.created_at).total_seconds())


def graph_drawing(drawn: dict[str, Any]) -> dict[str, Any]:
    """An assistant's graph as LangGraph Server draws it (``get_graph``): nodes as
    ``{id, type: "runnable", data: {name}}`` (``__end__`` as ``{id}``), edges sorted,
    ``conditional`` and ``data`` only where they say something."""
    nodes = []
    for node in drawn.get("nodes") or ():
        if node["id"] == "__end__":
            nodes.append({"id": node["id"]})
            continue
        data = {"name": node.get("name") or node["id"], **(node.get("metadata") or {})}
        nodes.append({"id": node["id"], "type": "runnable", "data": data})
    edges = []
    for edge in sorted(drawn.get("edges") or (), key=lambda e: (e["source"], e["target"])):
        out = {"source": edge["source"], "target": edge["target"]}
        if edge.get("data") is not None:
            out["data"] = edge["data"]
        if edge.get("conditional"):
            out["conditional"] = True
        edges.append(out)
    return {"nodes": nodes, "edges": edges}
