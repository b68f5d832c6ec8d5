"""Thread writes the API needs beyond ``services.threads``: metadata, binding a thread to
a graph, and editing state (LangGraph's update_state)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from builder.eventlog import event_record
from builder.models import ACTIVE_RUN_STATUSES, Assistant, Thread, ThreadStatus
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput, ThreadBusy


def thread_update_metadata(*, thread: Thread, metadata: dict[str, Any], user: Any = None) -> Thread:
    """Merge ``metadata`` into the thread's (LangGraph Server merges too)."""
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        locked.metadata = {**(locked.metadata or {}), **metadata}
        locked.save(update_fields=["metadata", "updated_at"])
        audit_record(
            workspace=locked.workspace_id, actor=user, thread=locked, action="thread.updated"
        )
    return locked


def thread_bind_assistant(*, thread: Thread, assistant: Assistant) -> Thread:
    """Make ``assistant``'s graph the thread's graph on its first run.

    A thread keeps one graph for life: its checkpoints are that graph's channels, so a
    run of another graph on it is refused rather than mixing the two.
    """
    if thread.workspace_id != assistant.workspace_id:
        raise InvalidInput("the assistant belongs to another workspace than the thread")
    if thread.graph_id is not None and thread.graph_id != assistant.graph_id:
        raise InvalidInput(
            f"thread {thread.pk} runs graph {thread.graph_id}; assistant "
            f"{assistant.pk} runs graph {assistant.graph_id}: use a new thread"
        )
    if thread.graph_id is None or thread.assistant_id is None:
        Thread.objects.filter(pk=thread.pk).update(
            graph_id=assistant.graph_id,
            assistant_id=thread.assistant_id or assistant.pk,
        )
        thread.graph_id = assistant.graph_id
        thread.assistant_id = thread.assistant_id or assistant.pk
        thread.graph = assistant.graph
    return thread


def thread_state_update(
    *,
    thread: Thread,
    values: Any,
    as_node: str | None = None,
    checkpoint_id: str | None = None,
    checkpoint_ns: str = "",
    user: Any = None,
) -> dict[str, Any]:
    """Write ``values`` as if ``as_node`` produced them (a new checkpoint; a fork when
    ``checkpoint_id`` is not the latest; in the subgraph whose namespace ``checkpoint_ns``
    is, when given). Returns the new checkpoint's config."""
    from builder.selectors.api_state import thread_config, thread_graph
    from builder.wire.resources import graph_id_of
    from builder.wire.state import interrupts_by_task
    from runtime.messages import jsonable

    graph = thread_graph(thread)
    if graph is None:
        raise InvalidInput("the thread has no graph yet: start a run on it first")
    active = thread.runs.filter(status__in=ACTIVE_RUN_STATUSES).order_by("created_at").first()
    if active is not None:
        raise ThreadBusy(thread.pk, active.pk)
    config = thread_config(thread, checkpoint_id, checkpoint_ns)
    # As LangGraph Server's: the update's checkpoint metadata names the graph and thread.
    config["metadata"] = {"graph_id": graph_id_of(thread.graph), "thread_id": str(thread.pk)}
    new_config = graph.update_state(config, values, as_node)
    snapshot = graph.get_state(thread_config(thread))
    values = jsonable(snapshot.values or {})
    interrupts = interrupts_by_task(snapshot)
    # LangGraph Server's rule: a thread with nodes left to run is interrupted.
    status = ThreadStatus.INTERRUPTED if interrupts or snapshot.next else ThreadStatus.IDLE
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(
            values=values, interrupts=interrupts, status=status
        )
        checkpoint = new_config.get("configurable", {})
        event_record(
            thread.pk,
            None,
            "state.updated",
            {
                "as_node": as_node,
                "checkpoint": jsonable(checkpoint),
                "by": _name(user),
                # Thread stream clients (state_update mode) read the new state from here.
                "values": values,
            },
        )
        audit_record(
            workspace=thread.workspace_id,
            actor=user,
            thread=thread,
            action="thread.state_updated",
            detail={"as_node": as_node, "checkpoint_id": checkpoint.get("checkpoint_id")},
        )
    return new_config


def supersteps_check(supersteps: Any) -> list[tuple[Any, str | None]]:
    """The ``(values, as_node)`` updates of LangGraph's ``supersteps`` (threads.create),
    in order, or InvalidInput saying what is wrong where.

    A superstep of several updates would need them applied as one step, which the
    engine cannot do through ``update_state``: refused rather than split.
    """
    if not isinstance(supersteps, list):
        raise InvalidInput("supersteps: expected a list of {updates: [...]} objects")
    out = []
    for i, superstep in enumerate(supersteps):
        updates = superstep.get("updates") if isinstance(superstep, dict) else None
        if not isinstance(updates, list) or len(updates) != 1:
            raise InvalidInput(
                f"supersteps[{i}].updates: give exactly one update per superstep "
                "({values, as_node})"
            )
        update = updates[0]
        # The SDK sends command and task_id as null when not given.
        given = (
            {k for k, v in update.items() if v is not None} if isinstance(update, dict) else None
        )
        if given is None or given - {"values", "as_node"}:
            raise InvalidInput(
                f"supersteps[{i}].updates[0]: expected an object with values and as_node "
                "(commands are not supported here)"
            )
        as_node = update.get("as_node")
        if as_node is not None and not isinstance(as_node, str):
            raise InvalidInput(f"supersteps[{i}].updates[0].as_node: expected a node name")
        out.append((update.get("values"), as_node))
    return out


def thread_apply_supersteps(
    *, thread: Thread, updates: list[tuple[Any, str | None]], user: Any = None
) -> None:
    """Fill a new thread's history: each update written as if its node produced it,
    one checkpoint each."""
    for values, as_node in updates:
        thread_state_update(thread=thread, values=values, as_node=as_node, user=user)
    thread.refresh_from_db()


def _name(user: Any) -> str | None:
    return user.get_username() if getattr(user, "is_authenticated", False) else None


def run_delete(*, run: Any, user: Any = None) -> None:
    """Delete a finished run with its events (an active run must be cancelled first)."""
    from builder.models import Run

    if run.status in ACTIVE_RUN_STATUSES:
        raise ThreadBusy(run.thread_id, run.pk)
    with transaction.atomic():
        audit_record(
            workspace=run.thread.workspace_id,
            actor=user,
            thread=run.thread,
            action="run.deleted",
            detail={"run_id": str(run.pk)},
        )
        Run.objects.filter(pk=run.pk).delete()


def thread_state_patch_metadata(
    *, thread: Thread, metadata: dict[str, Any], user: Any = None
) -> str:
    """Merge ``metadata`` into the latest checkpoint's metadata; its checkpoint id."""
    from builder.checkpointer import DjangoCheckpointer

    checkpoint_id = DjangoCheckpointer().patch_metadata(str(thread.pk), metadata)
    if checkpoint_id is None:
        raise InvalidInput(f"thread {thread.pk} has no state yet: nothing to patch")
    audit_record(
        workspace=thread.workspace_id,
        actor=user,
        thread=thread,
        action="state.metadata_patched",
        detail={"checkpoint_id": checkpoint_id, "keys": sorted(metadata)},
    )
    return checkpoint_id
