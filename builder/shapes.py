"""LangGraph Server's JSON shapes for assistants, threads and runs (what langgraph_sdk
reads), built from our rows.

Pure functions of the rows, no request in sight: the API answers with them and services
send them elsewhere (a run's webhook payload), so they live here rather than in
``builder.api``, which services must not import."""

from __future__ import annotations

from typing import Any

from builder.models import Assistant, AssistantVersion, Run, RunStatus, Thread

# LangGraph Server has no "cancelled": a cancelled run reads as interrupted.
_RUN_STATUS = {RunStatus.CANCELLED: "interrupted"}


def graph_id_of(graph: Any) -> str | None:
    if graph is None:
        return None
    return graph.code_ref or graph.slug


def assistant_dict(assistant: Assistant) -> dict[str, Any]:
    return {
        "assistant_id": str(assistant.pk),
        "graph_id": graph_id_of(assistant.graph),
        "config": assistant.config or {},
        "context": assistant.context or {},
        "metadata": assistant.metadata or {},
        "version": assistant.version,
        "name": assistant.name,
        "description": assistant.description or None,
        "created_at": assistant.created_at.isoformat(),
        "updated_at": assistant.updated_at.isoformat(),
    }


def assistant_version_dict(version: AssistantVersion) -> dict[str, Any]:
    """One immutable version (LangGraph's AssistantVersion: an assistant without
    ``updated_at``)."""
    return {
        "assistant_id": str(version.assistant_id),
        "graph_id": graph_id_of(version.graph),
        "config": version.config or {},
        "context": version.context or {},
        "metadata": version.metadata or {},
        "version": version.version,
        "name": version.name,
        "description": version.description or None,
        "created_at": version.created_at.isoformat(),
    }


def thread_dict(thread: Thread) -> dict[str, Any]:
    metadata = dict(thread.metadata or {})
    # LangGraph Server records which graph and assistant a thread runs in its metadata.
    if thread.graph_id is not None:
        metadata.setdefault("graph_id", graph_id_of(thread.graph))
    if thread.assistant_id is not None:
        metadata.setdefault("assistant_id", str(thread.assistant_id))
    return {
        "thread_id": str(thread.pk),
        "created_at": thread.created_at.isoformat(),
        "updated_at": thread.updated_at.isoformat(),
        "metadata": metadata,
        "status": thread.status,
        "values": thread.values if thread.values is not None else None,
        "interrupts": thread.interrupts or {},
        "config": {},
        "workspace": thread.workspace.slug,
    }


def run_dict(run: Run) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "input": run.input,
        "command": run.command,
        "config": run.config or {},
        "stream_mode": run.stream_mode,
        "interrupt_before": run.interrupt_before,
        "interrupt_after": run.interrupt_after,
        "checkpoint_id": run.checkpoint_id or None,
        "context": run.context,
        "webhook": run.webhook or None,
        "after_seconds": _after_seconds(run),
        "draft": run.draft_spec is not None,
    }
    body = {
        "run_id": str(run.pk),
        "thread_id": str(run.thread_id),
        "assistant_id": str(run.assistant_id) if run.assistant_id else None,
        "created_at": run.created_at.isoformat(),
        "updated_at": run.updated_at.isoformat(),
        "status": _RUN_STATUS.get(run.status, run.status),
        "metadata": run.metadata or {},
        "multitask_strategy": run.multitask_strategy,
        "kwargs": kwargs,
        "attempt": run.attempt,
    }
    if run.status == RunStatus.CANCELLED:
        body["cancel_reason"] = run.cancel_action or "interrupt"
    if run.error:
        body["error"] = {k: v for k, v in run.error.items() if k != "traceback"}
    return body


def _after_seconds(run: Run) -> int | None:
    # Whole seconds, as given: created_at is stamped a moment after start_after was set.
    if run.start_after is None:
        return None
    return round((run.start_after - run.created_at).total_seconds())
