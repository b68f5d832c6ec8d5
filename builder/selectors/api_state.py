"""Thread state reads (LangGraph's get_state / get_state_history) for the API.

The engine's state API is async; its DjangoCheckpointer runs each ORM call in a worker
thread with its own connection (Django refuses ORM calls from a thread running an event
loop), so these reads see committed rows only, which is all a request ever has.
"""

from __future__ import annotations

from typing import Any

from builder.checkpointer import DjangoCheckpointer
from builder.execution.driver import jsonable
from builder.execution.graphs import load_run_graph
from builder.models import Run, Thread
from builder.store import DjangoStore
from builder.wire import state as wire_state
from builder.wire.messages import with_messages


def thread_graph(thread: Thread) -> Any | None:
    """The compiled graph of the thread (the version its latest run used), or None when
    the thread has no graph yet."""
    if thread.graph_id is None and thread.assistant_id is None:
        return None
    run = (
        thread.runs.select_related("assistant", "graph_version", "thread__graph")
        .order_by("-created_at")
        .first()
    ) or Run(thread=thread, assistant=thread.assistant)
    return load_run_graph(
        run,
        DjangoCheckpointer(),
        DjangoStore(thread.workspace_id),
    )


def thread_config(
    thread: Thread, checkpoint_id: str | None = None, checkpoint_ns: str = ""
) -> dict[str, Any]:
    """The engine config of a thread's checkpoint (``checkpoint_ns``: a subgraph's)."""
    configurable: dict[str, Any] = {"thread_id": str(thread.pk), "checkpoint_ns": checkpoint_ns}
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def thread_state(
    *,
    thread: Thread,
    checkpoint_id: str | None = None,
    subgraphs: bool = False,
    checkpoint_ns: str = "",
) -> dict[str, Any] | None:
    """The state at ``checkpoint_id`` (else the latest), of the subgraph whose namespace
    ``checkpoint_ns`` is (else the thread's graph); None when that checkpoint does not exist."""
    graph = thread_graph(thread)
    if graph is None:
        return None if checkpoint_id else wire_state.empty_state()
    config = thread_config(thread, checkpoint_id, checkpoint_ns)
    snapshot = graph.get_state(config, subgraphs=subgraphs)
    if snapshot.metadata is None:
        return None if checkpoint_id else wire_state.empty_state()
    return wire_state.snapshot(snapshot)


def thread_history(
    *,
    thread: Thread,
    limit: int = 10,
    before: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Snapshots newest first (``before``: only older than that checkpoint)."""
    graph = thread_graph(thread)
    if graph is None:
        return []
    before_config = thread_config(thread, before) if before else None
    snapshots = graph.get_state_history(
        thread_config(thread),
        filter=metadata or None,
        before=before_config,
        limit=limit,
    )
    return [wire_state.snapshot(s) for s in snapshots]


def run_output(*, thread: Thread, run: Run | None) -> dict[str, Any]:
    """What ``/runs/wait`` and ``/join`` answer: the final values, with ``__interrupt__``
    when the run paused, or ``__error__`` when it failed."""
    if run is not None and run.status == "error":
        error = run.error or {}
        return {
            "__error__": {
                "error": error.get("type", "Error"),
                "message": error.get("message", "the run failed"),
            }
        }
    try:
        state = thread_state(thread=thread)
    except Exception:
        state = None
    if state is None:
        return with_messages(jsonable(thread.values or {}))
    values = dict(state["values"]) if isinstance(state["values"], dict) else state["values"]
    if state["interrupts"] and isinstance(values, dict):
        values["__interrupt__"] = [wire_state.streamed_interrupt(i) for i in state["interrupts"]]
    return values
