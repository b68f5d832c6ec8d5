"""The super-step rules as pure functions on channels and plain data.

Nothing here does I/O: the loop (``runtime.pregel.loop``) calls these functions and owns
the checkpointer, the stream and the clock. A step is:

1. ``prepare_tasks``: which nodes run, from the trigger channels, joins and Send packets;
2. the loop runs the tasks; each task's output becomes writes with ``output_writes``
   (state updates, then the control writes of its edges, conditional edges and gotos);
3. ``apply_writes``: consume the triggers that fired, then apply every task's writes in
   task order, so the result does not depend on which task finished first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from runtime.channels import (
    MISSING,
    BaseChannel,
    LastValue,
)
from runtime.constants import END, PULL, PUSH, START, TASKS, TRIGGER_PREFIX
from runtime.errors import InvalidUpdateError, ParentCommand
from runtime.graph.schema import ROOT, StateSchema
from runtime.pregel.ids import task_id
from runtime.pregel.nodes import Branch, NodeSpec
from runtime.types import Command, Send


@dataclass(slots=True)
class Plan:
    """A compiled graph's static structure, derived once from the builder."""

    schema: StateSchema
    nodes: dict[str, NodeSpec]
    order: tuple[str, ...]
    channels: dict[str, BaseChannel]
    triggers: dict[str, tuple[str, ...]]
    edge_writes: dict[str, tuple[tuple[str, Any], ...]]
    branches: dict[str, tuple[Branch, ...]]
    input_keys: tuple[str, ...]
    output_keys: tuple[str, ...]
    node_input_keys: dict[str, tuple[str, ...] | None]
    # per source node, the keys each of its conditional edges reads (None: the whole state)
    branch_input_keys: dict[str, tuple[tuple[str, ...] | None, ...]]
    # the schemas a node or conditional edge declares other than the state schema: its
    # input is built as that class (a pydantic model or dataclass of its own)
    node_schemas: dict[str, StateSchema] = field(default_factory=dict)
    branch_schemas: dict[str, tuple[StateSchema | None, ...]] = field(default_factory=dict)
    control: frozenset[str] = frozenset()
    # every key a node may write: the state schema's, then those only the input, output
    # or a node's own input schema declares (private state), as LangGraph's channels
    state_keys: tuple[str, ...] = ()
    state_key_set: frozenset[str] = frozenset()
    # trigger channel -> the nodes it can start, and each node's place in graph order
    triggered_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Task:
    """One node invocation in one step."""

    id: str
    name: str
    path: tuple[Any, ...]
    input: Any
    triggers: tuple[str, ...]
    ns: str  # this task's checkpoint namespace: "[parent|]name:id"
    writes: list[tuple[str, Any]] = field(default_factory=list)
    done: bool = False
    update: Any = None  # what the node returned, for the updates stream
    cached: bool = False  # the writes came from the node's cache
    timeout: Any = None  # a Send's TimeoutPolicy, which replaces the node's


def trigger_channel(node: str) -> str:
    return TRIGGER_PREFIX + node


def new_channels(plan: Plan, values: dict[str, Any] | None = None) -> dict[str, BaseChannel]:
    """Fresh channels, filled from checkpoint values when given."""
    channels = {k: ch.new() for k, ch in plan.channels.items()}
    if values:
        for k, v in values.items():
            ch = channels.get(k)
            if ch is not None:
                ch.value = v
    return channels


def read_state(
    plan: Plan, channels: dict[str, BaseChannel], keys: Iterable[str] | None = None
) -> dict[str, Any]:
    """The current values of the state keys that have one."""
    out: dict[str, Any] = {}
    for k in keys if keys is not None else plan.state_keys:
        v = channels[k].value
        if v is not MISSING:
            out[k] = v
    return out


def read_output(
    plan: Plan, channels: dict[str, BaseChannel], keys: Iterable[str] | None = None
) -> Any:
    """The state as a caller sees it: a dict of keys, or a root state's value itself."""
    if plan.schema.root:
        value = channels[ROOT].value
        return None if value is MISSING else value
    return read_state(plan, channels, keys)


def prepare_tasks(
    plan: Plan,
    channels: dict[str, BaseChannel],
    checkpoint_id: str,
    step: int,
    ns: str,
    *,
    with_input: bool = True,
    changed: set[str] | None = None,
    stop: int = 0,
) -> list[Task]:
    """The tasks of the next step: start, triggered nodes in graph order, then Sends.

    ``changed`` (the channels the last step changed) narrows the nodes to look at: a node
    can only become ready when one of its trigger channels changed. None looks at all.
    ``stop`` (the run's last step) feeds the managed values (RemainingSteps, ...).
    """
    tasks: list[Task] = []
    prefix = f"{ns}|" if ns else ""

    def make(name: str, path: tuple[Any, ...], inp: Any, trig: tuple[str, ...]) -> Task:
        tid = task_id(checkpoint_id, ns, step, name, repr(path))
        return Task(tid, name, path, inp, trig, f"{prefix}{name}:{tid}")

    start = channels[START]
    if start.value is not MISSING:
        tasks.append(make(START, (PULL, START), start.value, (START,)))
    state: dict[str, Any] | None = None
    if changed is None:
        candidates: Iterable[str] = plan.order
    else:
        found = {n for c in changed for n in plan.triggered_by.get(c, ())}
        candidates = sorted(found, key=plan.position.__getitem__) if len(found) > 1 else found
    for name in candidates:
        fired = tuple(c for c in plan.triggers[name] if channels[c].is_available())
        if not fired:
            continue
        inp = None
        if with_input:
            if state is None:
                state = read_state(plan, channels)
                for key, manager in plan.schema.managed.items():
                    state[key] = manager.get(step, stop)
            keys = plan.node_input_keys[name]
            inp = state if keys is None else {k: state[k] for k in keys if k in state}
        tasks.append(make(name, (PULL, name), inp, fired))
    sends = channels[TASKS].value
    if sends is not MISSING:
        for i, packet in enumerate(sends):
            pushed = make(packet.node, (PUSH, i), packet.arg, (TASKS,))
            pushed.timeout = packet.timeout
            tasks.append(pushed)
    return tasks


def state_update_writes(
    plan: Plan, node: str, output: Any
) -> tuple[list[tuple[str, Any]], list[Any]]:
    """Writes of a node's return value: (state writes, gotos).

    Raises InvalidUpdateError naming the node for returns the state cannot take, and
    ParentCommand for ``Command(graph=Command.PARENT)``.
    """
    if output is None:
        return [], []
    if plan.schema.root:
        return _root_update_writes(output)
    if isinstance(output, dict):
        items = list(output.items())
        gotos: list[Any] = []
    elif isinstance(output, Command):
        if output.graph == Command.PARENT:
            raise ParentCommand(output)
        items = output.update_items()
        gotos = output.goto_list()
    elif (
        isinstance(output, list | tuple) and output and any(isinstance(o, Command) for o in output)
    ):  # a list of Commands, or of Commands and dicts, applied in order as in LangGraph
        items, gotos = [], []
        for cmd in output:
            w, g = state_update_writes(plan, node, cmd)
            items.extend(w)
            gotos.extend(g)
        return items, gotos
    else:
        as_dict = plan.schema.from_object(output)
        if as_dict is None:
            raise InvalidUpdateError(
                f"Node {node!r} returned {type(output).__name__} {_short(output)}; expected a dict "
                "of state updates, a Command or None"
            )
        items, gotos = list(as_dict.items()), []
    key_set = plan.state_key_set
    if any(k not in key_set for k, _ in items):
        items = [(k, v) for k, v in items if k in key_set]  # as LangGraph: others are ignored
    return items, gotos


def _root_update_writes(output: Any) -> tuple[list[tuple[str, Any]], list[Any]]:
    """A root state's update is the returned value itself (Commands carry theirs)."""
    if isinstance(output, Command):
        if output.graph == Command.PARENT:
            raise ParentCommand(output)
        items = [] if output.update is None else [(ROOT, output.update)]
        return items, output.goto_list()
    if isinstance(output, list | tuple) and any(isinstance(o, Command) for o in output):
        items, gotos = [], []
        for part in output:
            if part is not None:
                w, g = _root_update_writes(part)
                items.extend(w)
                gotos.extend(g)
        return items, gotos
    return [(ROOT, output)], []


def update_of(plan: Plan, writes: Sequence[tuple[str, Any]]) -> Any:
    """What the updates stream shows for a task, from its writes (as LangGraph does).

    None without state writes; a dict of them (a root state: the value itself); a list
    of one-key dicts (root: of values) when a key was written more than once, as by a
    node that returned several Commands.
    """
    own = [(k, v) for k, v in writes if k in plan.state_key_set]
    if not own:
        return None
    if plan.schema.root:
        return own[0][1] if len(own) == 1 else [v for _, v in own]
    if len({k for k, _ in own}) == len(own):
        return dict(own)
    return [{k: v} for k, v in own]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def destination_writes(plan: Plan, source: str, dests: Sequence[Any]) -> list[tuple[str, Any]]:
    """Control writes that send control to node names / END / Send packets."""
    writes: list[tuple[str, Any]] = []
    for d in dests:
        if isinstance(d, Send):
            if d.node not in plan.nodes:
                raise InvalidUpdateError(f"At {source!r}: Send to unknown node {d.node!r}")
            writes.append((TASKS, d))
        elif d == END or d is None:
            continue
        elif isinstance(d, str):
            if d not in plan.nodes:
                raise InvalidUpdateError(f"At {source!r}: cannot go to unknown node {d!r}")
            writes.append((trigger_channel(d), None))
        else:
            raise InvalidUpdateError(f"At {source!r}: {d!r} is not a node name, END or Send")
    return writes


def branch_destinations(branch: Branch, source: str, result: Any) -> list[Any]:
    """Map a path function's answer through the branch's path map."""
    results = result if isinstance(result, list | tuple) else [result]
    out: list[Any] = []
    for r in results:
        if isinstance(r, Send) or branch.ends is None:
            out.append(r)
            continue
        try:
            out.append(branch.ends[r])
        except (KeyError, TypeError):
            raise InvalidUpdateError(
                f"At {source!r}: conditional edge returned {r!r}, which is not in its path map "
                f"{list(branch.ends)!r}"
            ) from None
    return out


def local_state(
    plan: Plan, channels: dict[str, BaseChannel], writes: Sequence[tuple[str, Any]]
) -> dict[str, Any]:
    """The state as a task sees it after its own writes (for its conditional edges)."""
    state = read_state(plan, channels)
    grouped: dict[str, list[Any]] = {}
    for k, v in writes:
        if k in plan.state_key_set:
            grouped.setdefault(k, []).append(v)
    for k, values in grouped.items():
        ch = channels[k].copy()
        try:
            ch.update(values)
        except InvalidUpdateError:
            continue
        if ch.value is not MISSING:
            state[k] = ch.value
    return state


def apply_writes(plan: Plan, channels: dict[str, BaseChannel], tasks: Sequence[Task]) -> set[str]:
    """Consume the triggers of ``tasks`` and apply their writes. Returns the changed channels.

    Writes apply in task path order as in LangGraph (triggered nodes by name, then Sends
    in send order), so the result does not depend on which task finished first. Two
    writes to a field without a reducer raise InvalidUpdateError naming both nodes.
    """
    if len(tasks) > 1:
        tasks = sorted(tasks, key=write_order)
    updated: set[str] = set()
    for task in tasks:
        for c in task.triggers:
            if channels[c].consume():
                updated.add(c)
    grouped: dict[str, list[Any]] = {}
    writers: dict[str, list[str]] = {}
    for task in tasks:
        for k, v in task.writes:
            if k not in channels:
                continue  # special writes (__interrupt__, __resume__, ...) are not channels
            grouped.setdefault(k, []).append(v)
            writers.setdefault(k, []).append(task.name)
    for k, values in grouped.items():
        try:
            changed = channels[k].update(values)
        except InvalidUpdateError as exc:
            names = writers[k]
            if len(names) > 1 and isinstance(channels[k], LastValue):
                raise InvalidUpdateError(
                    f"At key {k!r}: nodes {' and '.join(repr(n) for n in names)} both wrote to it "
                    "in the same step, but it has no reducer and can take only one value per step. "
                    "Give it a reducer (Annotated[T, reducer]) or write it from one node."
                ) from None
            raise exc
        if changed:
            updated.add(k)
    return updated


def write_order(task: Task) -> tuple[Any, ...]:
    """Sort key of a task's writes within its step: LangGraph's order of task paths.

    LangGraph sorts on the path as a string (``~__pregel_pull, name`` before
    ``~__pregel_push, 0000000001``); comparing the parts gives the same order.
    """
    return tuple(f"{p:010d}" if isinstance(p, int) else str(p) for p in task.path)


def channel_values(channels: dict[str, BaseChannel]) -> dict[str, Any]:
    """Every non-empty channel's value (what a checkpoint holds)."""
    return {k: ch.value for k, ch in channels.items() if ch.value is not MISSING}
