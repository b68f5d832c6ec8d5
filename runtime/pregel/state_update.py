"""update_state / bulk_update_state: new checkpoints written as if nodes had run (LangGraph's rules).

An update is a step of its own: it applies the writes of the nodes it names (their state
updates, edges and conditional edges), clears what the checkpoint was about to run (pending
triggers and Sends; only the updated nodes' edges decide what comes next) and never reuses the
checkpoint's pending writes. It is stored with source ``update`` and the next step number,
as a child of the checkpoint it was applied to, whether that is the thread's head or a past
one (which starts a new branch). Special ``as_node`` values:

- ``"__input__"``: the values are run input (source ``input``), nothing is cleared;
- ``"__copy__"``: a copy of the checkpoint beside it (same parent, source ``fork``), then
  optionally a superstep of updates on the copy;
- ``END`` with no values: the pending tasks end, finished ones keeping their writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runtime.channels.base import ClearedOnConsume
from runtime.checkpoint.base import CheckpointTuple
from runtime.constants import CONF, END, START
from runtime.errors import InvalidUpdateError
from runtime.pregel import algo
from runtime.pregel.context import TaskContext
from runtime.types import StateUpdate

if TYPE_CHECKING:
    from runtime.pregel.graph import CompiledStateGraph
    from runtime.pregel.loop import Loop

INPUT = "__input__"
COPY = "__copy__"


async def bulk_update(
    graph: CompiledStateGraph,
    config: dict[str, Any],
    supersteps: Sequence[Sequence[Any]],
    *,
    lend: tuple[Any, str] | None = None,
) -> dict[str, Any]:
    """Apply ``supersteps`` (each a list of ``StateUpdate``), one checkpoint each.

    ``lend``: (checkpointer, namespace) when ``graph`` is a subgraph addressed by a parent.
    """
    if len(supersteps) == 0:
        raise ValueError("No supersteps provided")
    if any(len(updates) == 0 for updates in supersteps):
        raise ValueError("No updates provided")
    current = config
    for updates in supersteps:
        current = await _superstep(graph, current, [StateUpdate(*u) for u in updates], lend)
    return current


async def _superstep(
    graph: CompiledStateGraph,
    config: dict[str, Any],
    updates: list[StateUpdate],
    lend: tuple[Any, str] | None,
) -> dict[str, Any]:
    loop = graph._loop(
        config,
        _quiet_sink(),
        context=None,
        durability="sync",
        interrupt_before=(),
        interrupt_after=(),
        lend=lend,
    )
    loop.saver.start()
    try:
        saved = await loop._load()
        first = updates[0]
        if first.as_node == COPY:
            _only_one(updates, "Cannot copy checkpoint with multiple updates")
            copied = await _copy(loop, saved)
            if isinstance(first.values, list) and first.values:
                await loop._flush()
                again = [StateUpdate(*u) for u in first.values]
                return await _superstep(graph, copied, again, lend)
            return copied
        if first.values is None and first.as_node == END:
            _only_one(updates, "Cannot apply multiple updates when clearing state")
            _end_tasks(loop, saved)
            await loop._checkpoint("update", loop.step if saved else 0)
        elif first.as_node == INPUT:
            _only_one(updates, "Cannot apply multiple updates when updating as input")
            loop.dirty |= algo.apply_writes(loop.plan, loop.channels, [_input_task(first.values)])
            await loop._checkpoint("input", loop.step if saved else -1)
        else:
            await _as_nodes(graph, loop, saved, updates)
            await loop._checkpoint("update", loop.step if saved else 0)
    finally:
        await loop._flush()
    return loop.saver.saved_config or {}


def _quiet_sink() -> Any:
    from runtime.pregel.loop import Sink

    return Sink(set(), False)


def _only_one(updates: list[StateUpdate], message: str) -> None:
    if len(updates) > 1:
        raise InvalidUpdateError(message)


def _input_task(values: Any) -> algo.Task:
    if values is None:
        raise InvalidUpdateError("Received no input writes for __start__")
    return algo.Task("", INPUT, (), None, (), "", writes=[(START, values)])


async def _copy(loop: Loop, saved: CheckpointTuple | None) -> dict[str, Any]:
    """A copy of ``saved`` stored beside it (under its parent), with source ``fork``."""
    if saved is None:
        raise InvalidUpdateError("Cannot copy a non-existent checkpoint")
    loop.saver.saved_config = saved.parent_config
    await loop._checkpoint("fork", loop.step)
    return loop.saver.saved_config or {}


def _end_tasks(loop: Loop, saved: CheckpointTuple | None) -> None:
    """END with no values: the checkpoint's tasks are over; finished ones keep their writes."""
    if saved is None:
        return
    tasks = algo.prepare_tasks(
        loop.plan, loop.channels, saved.checkpoint.id, loop.step, loop.ns, with_input=False
    )
    loop._match_pending(tasks)  # finished tasks get their saved writes
    for t in tasks:
        if not t.done:
            t.writes = []
    loop.dirty |= algo.apply_writes(loop.plan, loop.channels, tasks)


async def _as_nodes(
    graph: CompiledStateGraph,
    loop: Loop,
    saved: CheckpointTuple | None,
    updates: list[StateUpdate],
) -> None:
    """Apply each update as its node's output, after clearing what was about to run."""
    if len(updates) == 1 and updates[0].as_node is None:
        updates = [updates[0]._replace(as_node=await _infer_as_node(graph, loop, saved))]
    prepared = _prepared_ids(loop, saved)
    tasks: list[algo.Task] = []
    for i, update in enumerate(updates):
        node = update.as_node
        if node is None:
            raise InvalidUpdateError("as_node is required when applying multiple updates")
        if node not in graph.plan.nodes and node != START:
            raise InvalidUpdateError(f"Node {node} does not exist")
        ids = prepared.get(node)
        stands_for = update.task_id or (ids.pop(0) if ids else None)
        task_id = stands_for or f"update:{i}"
        writes = await _node_writes(loop, node, update.values, task_id)
        tasks.append(algo.Task(task_id, node, ("update",), None, (), loop.ns, writes=writes))
        if saved is not None and stands_for is not None:
            # as LangGraph: the update is the result of the task it stands for, so the base
            # checkpoint's history shows it (PregelTask.result)
            loop.saver.write_now(saved.checkpoint.id, task_id, writes)
    for name, channel in loop.channels.items():
        if isinstance(channel, ClearedOnConsume) and channel.consume():
            loop.dirty.add(name)
    loop.dirty |= algo.apply_writes(loop.plan, loop.channels, tasks)
    loop.ran = [t.name for t in tasks]


def _prepared_ids(loop: Loop, saved: CheckpointTuple | None) -> dict[str, list[str]]:
    """The ids of the tasks ``saved`` was about to run, by node."""
    if saved is None:
        return {}
    out: dict[str, list[str]] = {}
    tasks = algo.prepare_tasks(
        loop.plan, loop.channels, saved.checkpoint.id, loop.step, loop.ns, with_input=False
    )
    for t in tasks:
        out.setdefault(t.name, []).append(t.id)
    return out


async def _node_writes(loop: Loop, node: str, values: Any, task_id: str) -> list[tuple[str, Any]]:
    """What ``node`` writes when it returns ``values``: state, edges, conditional edges."""
    from runtime.pregel.task import _branch_writes_of

    plan = loop.plan
    writes: list[tuple[str, Any]] = []
    if values is not None:
        state_writes, gotos = algo.state_update_writes(plan, node, values)
        writes.extend(state_writes)
        writes.extend(algo.destination_writes(plan, node, gotos))
    writes.extend(plan.edge_writes.get(node, ()))
    branches = plan.branches.get(node)
    if branches:
        state = algo.local_state(plan, loop.channels, writes)
        fake = algo.Task(task_id, node, ("update",), None, (), loop.ns)
        ctx = TaskContext(task=fake, loop=loop, config=loop.config)
        writes.extend(await _branch_writes_of(ctx, node, branches, state))
    return writes


async def _infer_as_node(
    graph: CompiledStateGraph, loop: Loop, saved: CheckpointTuple | None
) -> str:
    """The node that last ran on this branch (START when none has), as LangGraph infers it."""
    ran = await _last_ran(loop, saved)
    if not ran:
        return START
    distinct = sorted(set(ran))
    if len(distinct) == 1:
        return distinct[0]
    raise InvalidUpdateError(
        f"Ambiguous update, specify as_node: nodes {', '.join(repr(n) for n in distinct)} "
        "ran in the last step"
    )


async def _last_ran(loop: Loop, saved: CheckpointTuple | None) -> list[str]:
    """The nodes of the step that made the newest ``loop`` checkpoint at or before ``saved``
    (the tasks its parent checkpoint had to run)."""
    current = saved
    while current is not None and current.metadata.get("source") != "loop":
        current = await _parent(loop, current)
    before = None if current is None else await _parent(loop, current)
    if before is None:
        return []
    plan = loop.plan
    channels = algo.new_channels(plan, before.checkpoint.channel_values)
    step = int(before.metadata.get("step", -1)) + 1
    tasks = algo.prepare_tasks(
        plan, channels, before.checkpoint.id, step, loop.ns, with_input=False
    )
    return [t.name for t in tasks]


async def _parent(loop: Loop, saved: CheckpointTuple) -> CheckpointTuple | None:
    parent = saved.parent_config
    if parent is None or not (parent.get(CONF) or {}).get("checkpoint_id"):
        return None
    return await loop.checkpointer.aget_tuple(parent)
