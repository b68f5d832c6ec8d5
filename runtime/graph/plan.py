"""Compiling a StateGraph: its channels, triggers and edge writes as the engine's Plan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.channels import BaseChannel, Input, NamedBarrierValue, Topic, Trigger
from runtime.constants import END, JOIN_PREFIX, START, TASKS
from runtime.graph.schema import StateSchema, node_input_keys
from runtime.pregel.algo import Plan, trigger_channel

if TYPE_CHECKING:
    from runtime.graph.state import StateGraph


def build_plan(builder: StateGraph) -> Plan:
    """Channels and edge writes for a validated builder."""
    schema = builder.schema
    channels: dict[str, BaseChannel] = {k: ch.new() for k, ch in schema.channels.items()}
    for extra in other_schemas(builder):
        for k, ch in extra.channels.items():
            channels.setdefault(k, ch.new())
    state_keys = tuple(channels)
    channels[START] = Input(START)
    channels[TASKS] = Topic(TASKS)
    triggers: dict[str, list[str]] = {name: [trigger_channel(name)] for name in builder.nodes}
    for name in builder.nodes:
        channels[trigger_channel(name)] = Trigger(trigger_channel(name))
    edge_writes: dict[str, list[tuple[str, Any]]] = {}
    for src, dst in sorted(builder.edges):
        if dst != END:
            edge_writes.setdefault(src, []).append((trigger_channel(dst), None))
    for starts, dst in sorted(builder.waiting_edges):
        key = f"{JOIN_PREFIX}{'+'.join(starts)}:{dst}"
        channels[key] = NamedBarrierValue(key, frozenset(starts))
        if dst != END:
            triggers[dst].append(key)
        for s in starts:
            edge_writes.setdefault(s, []).append((key, s))
    input_keys = (
        tuple(StateSchema(builder.input_schema).keys) if builder.input_schema else schema.keys
    )
    output_keys = (
        tuple(StateSchema(builder.output_schema).keys) if builder.output_schema else schema.keys
    )
    control = frozenset(k for k in channels if k not in state_keys)
    triggered_by: dict[str, list[str]] = {}
    for node, chans in triggers.items():
        for c in chans:
            triggered_by.setdefault(c, []).append(node)
    return Plan(
        schema=schema,
        nodes=dict(builder.nodes),
        order=tuple(builder.nodes),
        channels=channels,
        triggers={k: tuple(v) for k, v in triggers.items()},
        edge_writes={k: tuple(v) for k, v in edge_writes.items()},
        branches={k: tuple(v.values()) for k, v in builder.branches.items()},
        input_keys=input_keys,
        output_keys=output_keys,
        node_input_keys={
            n: _reads(builder, s.input_schema, state_keys) for n, s in builder.nodes.items()
        },
        branch_input_keys={
            k: tuple(_reads(builder, b.input_schema, state_keys) for b in v.values())
            for k, v in builder.branches.items()
        },
        node_schemas={
            n: own for n, s in builder.nodes.items() if (own := _own(builder, s.input_schema))
        },
        branch_schemas={
            k: tuple(_own(builder, b.input_schema) for b in v.values())
            for k, v in builder.branches.items()
        },
        control=control,
        state_keys=state_keys,
        state_key_set=frozenset(state_keys),
        triggered_by={k: tuple(v) for k, v in triggered_by.items()},
        position={n: i for i, n in enumerate(builder.nodes)},
    )


def _reads(builder: StateGraph, schema: Any, state_keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The keys a node or conditional edge reads; None for all of ``state_keys``."""
    if schema is not None and schema is not builder.state_schema:
        return node_input_keys(schema)
    own = builder.schema.keys
    return None if own == state_keys else own  # private keys are not part of the state


def _own(builder: StateGraph, schema: Any) -> StateSchema | None:
    """A declared input schema other than the state schema, read; None otherwise."""
    if schema is None or schema is builder.state_schema:
        return None
    return StateSchema(schema)


def other_schemas(builder: StateGraph) -> list[StateSchema]:
    """The input, output and node input schemas other than the state schema itself."""
    seen = {id(builder.state_schema)}
    out: list[StateSchema] = []
    candidates = [builder.input_schema, builder.output_schema]
    candidates += [spec.input_schema for spec in builder.nodes.values()]
    candidates += [b.input_schema for bs in builder.branches.values() for b in bs.values()]
    for candidate in candidates:
        if candidate is None or id(candidate) in seen:
            continue
        seen.add(id(candidate))
        extra = StateSchema(candidate)
        if not extra.root:
            out.append(extra)
    return out
