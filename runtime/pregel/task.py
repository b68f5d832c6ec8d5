"""Running one task: call the node with what it asks for, retry, turn its output into writes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import hashlib
import math
import os
import time
from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.runnables.config import var_child_runnable_config

from runtime.constants import PULL, START
from runtime.errors import (
    GraphBubbleUp,
    InvalidUpdateError,
    NodeCancelledError,
    NodeTimeoutError,
    ParentCommand,
)
from runtime.graph.schema import ROOT
from runtime.pregel import algo
from runtime.pregel.context import CURRENT, TaskContext
from runtime.pregel.nodes import Branch, NodeSpec
from runtime.pregel.progress import ProgressHandler
from runtime.types import Command, RetryPolicy, TimeoutPolicy

_settings = {"inline_sync_nodes": True}


def configure(*, inline_sync_nodes: bool | None = None) -> None:
    """Process-wide engine settings.

    ``inline_sync_nodes``: a step with a single sync node runs it on the event loop's own
    thread (fast: no thread hop). Hosts whose node code must not run where an event loop
    is running (Django's ORM refuses to) turn it off, and every sync node runs in a worker
    thread, as the nodes of a step with several tasks always do.
    """
    if inline_sync_nodes is not None:
        _settings["inline_sync_nodes"] = inline_sync_nodes


_POOL = concurrent.futures.ThreadPoolExecutor(
    max_workers=min(32, (os.cpu_count() or 1) + 8), thread_name_prefix="switchyard-node"
)


async def run_task(ctx: TaskContext, *, inline: bool) -> None:
    """Run ``ctx.task`` to completion, filling ``task.writes`` and ``task.update``.

    Raises GraphInterrupt (paused), ParentCommand (for the parent graph) or the node's
    own exception after its retry policy gave up. The exception gets a note naming the node.
    """
    task = ctx.task
    loop = ctx.loop
    plan = loop.plan
    if task.name == START:
        task.writes = _input_writes(loop, task.input)
        task.update = None
        if START in plan.branches:
            task.writes.extend(await _branch_writes(ctx, plan.branches[START], task.writes))
        return
    spec = plan.nodes[task.name]
    cache_key = _cache_key(loop, spec, task)
    if cache_key is not None:
        hit = (await loop.cache.aget([cache_key])).get(cache_key)
        if hit is not None:
            task.writes, task.update = list(hit[0]), hit[1]
            task.cached = True
            return
    messages = loop.sink.messages
    if messages is not None:
        messages.task_started(ctx)
    output, state_writes, gotos = await _attempts(ctx, spec, inline)
    if messages is not None:
        messages.task_returned(ctx, output)
    task.update = algo.update_of(plan, state_writes)
    writes = [*ctx.sent, *state_writes]  # what the node sent while running (push_message) first
    writes.extend(plan.edge_writes.get(task.name, ()))
    if gotos:
        writes.extend(algo.destination_writes(plan, task.name, gotos))
    branches = plan.branches.get(task.name)
    if branches:
        writes.extend(await _branch_writes(ctx, branches, writes))
    task.writes = writes
    if cache_key is not None and spec.cache_policy is not None:
        await loop.cache.aset({cache_key: ((writes, task.update), spec.cache_policy.ttl)})


async def _attempts(ctx: TaskContext, spec: NodeSpec, inline: bool) -> tuple[Any, Any, Any]:
    """Call the node until it succeeds or its retry policy gives up: (output, writes, gotos)."""
    task = ctx.task
    timeout = task.timeout or spec.timeout
    ctx.first_attempt_time = time.time()
    while True:
        ctx.counter = 0
        ctx.sent = []
        try:
            try:
                if timeout is None:
                    output = await _call_node(ctx, spec, inline)
                else:
                    output = await _call_with_timeout(ctx, spec, inline, timeout)
            except ParentCommand as pc:
                if pc.command.graph is not None:
                    raise
                output = pc.command  # a graph this node called sent it here (Command.PARENT)
            state_writes, gotos = algo.state_update_writes(ctx.loop.plan, task.name, output)
            return output, state_writes, gotos
        except GraphBubbleUp:
            raise
        except Exception as exc:
            policy = _policy_for(spec.retry_policy, exc)
            if policy is None or ctx.attempt >= policy.max_attempts:
                if not isinstance(exc, InvalidUpdateError):
                    exc.add_note(f"During task with name {task.name!r} and id {task.id!r}")
                raise
            await _backoff(spec, policy.delay(ctx.attempt))
            ctx.attempt += 1


async def _call_with_timeout(
    ctx: TaskContext, spec: NodeSpec, inline: bool, policy: TimeoutPolicy
) -> Any:
    """One attempt under a TimeoutPolicy: cancelled, NodeTimeoutError, past either limit."""
    run, idle = policy.limits()
    start = ctx.progress_at = time.monotonic()
    ctx.progress_on_emit = policy.refresh_on == "auto"
    call = asyncio.ensure_future(_call_node(ctx, spec, inline))
    try:
        while True:
            run_left = math.inf if run is None else start + run - time.monotonic()
            idle_left = math.inf if idle is None else ctx.progress_at + idle - time.monotonic()
            if min(run_left, idle_left) <= 0:
                kind: Literal["idle", "run"] = "run" if run_left <= 0 else "idle"
                elapsed = time.monotonic() - start
                raise NodeTimeoutError(
                    ctx.task.name, elapsed, kind=kind, idle_timeout=idle, run_timeout=run
                )
            done, _ = await asyncio.wait((call,), timeout=min(run_left, idle_left))
            if done:
                return call.result()
    finally:
        ctx.progress_on_emit = False
        if not call.done():
            call.cancel()
            with contextlib.suppress(BaseException):
                await call


_CACHE_NS = "__node_writes__"


def _cache_namespace(spec: NodeSpec) -> tuple[str, ...]:
    fn = spec.fn
    ident = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', type(fn).__qualname__)}"
    return (_CACHE_NS, ident, spec.name)


def cache_namespaces(plan: Any, nodes: Sequence[str] | None) -> list[tuple[str, ...]]:
    """The cache namespaces of ``nodes`` (all cached nodes when None)."""
    names = plan.order if nodes is None else nodes
    return [
        _cache_namespace(plan.nodes[n])
        for n in names
        if n in plan.nodes and plan.nodes[n].cache_policy is not None
    ]


def _cache_key(loop: Any, spec: NodeSpec, task: Any) -> tuple[tuple[str, ...], str] | None:
    """Where a node's writes for this input are cached; None without a policy or cache."""
    policy = spec.cache_policy
    if policy is None or loop.cache is None:
        return None
    raw = policy.key_func(task.input)
    digest = hashlib.sha256(raw if isinstance(raw, bytes) else str(raw).encode()).hexdigest()
    return _cache_namespace(spec), digest


def _input_writes(loop: Any, value: Any) -> list[tuple[str, Any]]:
    """The start task: the input's state keys, then the edges from START."""
    plan = loop.plan
    if plan.schema.root:
        items = {} if value is None else {ROOT: value}
    elif isinstance(value, dict):
        items = value
    else:
        items = plan.schema.from_object(value)
        if items is None:
            raise InvalidUpdateError(
                f"Expected a dict (or an instance of the state schema) as input, got {type(value).__name__}"
            )
    keys = set(plan.input_keys)
    writes = [(k, v) for k, v in items.items() if k in keys]
    writes.extend(plan.edge_writes.get(START, ()))
    return writes


async def _branch_writes_of(
    ctx: TaskContext, source: str, branches: Sequence[Branch], state: dict[str, Any]
) -> list[tuple[str, Any]]:
    """The control writes of ``source``'s conditional edges, each reading its own keys."""
    plan = ctx.loop.plan
    reads = plan.branch_input_keys.get(source, ())
    schemas = plan.branch_schemas.get(source, ())
    writes: list[tuple[str, Any]] = []
    for i, branch in enumerate(branches):
        keys = reads[i] if i < len(reads) else None
        seen = state if keys is None else {k: state[k] for k in keys if k in state}
        arg = ((schemas[i] if i < len(schemas) else None) or plan.schema).to_input(seen)
        args = (arg, ctx.config) if branch.wants_config else (arg,)
        result = branch.path(*args)
        if asyncio.iscoroutine(result):
            result = await result
        writes.extend(
            algo.destination_writes(plan, source, algo.branch_destinations(branch, source, result))
        )
    return writes


async def _branch_writes(
    ctx: TaskContext, branches: Sequence[Branch], writes: list[tuple[str, Any]]
) -> list[tuple[str, Any]]:
    loop = ctx.loop
    state = algo.local_state(loop.plan, loop.channels, writes)
    return await _branch_writes_of(ctx, ctx.task.name, branches, state)


async def _backoff(spec: NodeSpec, seconds: float) -> None:
    """Wait before a retry: a sync node's thread sleeps (as LangGraph's does), an async one awaits."""
    if spec.is_async:
        await asyncio.sleep(seconds)
    else:
        await asyncio.get_running_loop().run_in_executor(_POOL, time.sleep, seconds)


def _policy_for(
    policy: RetryPolicy | Sequence[RetryPolicy] | None, exc: Exception
) -> RetryPolicy | None:
    if policy is None:
        return None
    policies = [policy] if isinstance(policy, RetryPolicy) else list(policy)
    for p in policies:
        if p.should_retry(exc):
            return p
    return None


def _injections(ctx: TaskContext, names: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for name in names:
        if name == "config":
            out.append(ctx.config)
        elif name == "runtime":
            out.append(ctx.runtime())
        elif name == "store":
            out.append(ctx.loop.store)
        elif name == "writer":
            out.append(ctx.write_custom)
        elif name == "error":
            out.append(ctx.node_error)
    return out


async def _call_node(ctx: TaskContext, spec: NodeSpec, inline: bool) -> Any:
    task = ctx.task
    plan = ctx.loop.plan
    schema = plan.node_schemas.get(task.name, plan.schema)  # the class the node declares
    state = schema.to_input(task.input) if task.path[0] == PULL else task.input
    if spec.is_graph:
        token = CURRENT.set(ctx)
        try:
            return await _call_subgraph(ctx, spec, task.input)
        finally:
            CURRENT.reset(token)
    context = contextvars.copy_context()
    context.run(CURRENT.set, ctx)
    messages = ctx.loop.sink.messages
    lc_config = None if messages is None else messages.langchain_config(ctx)
    if ctx.progress_on_emit:  # an idle timeout: LangChain callback events are progress
        lc_config = lc_config or {}
        lc_config["callbacks"] = [*lc_config.get("callbacks", ()), ProgressHandler(ctx)]
    if lc_config is not None:  # chat models called without a config inherit this one
        context.run(var_child_runnable_config.set, lc_config)  # type: ignore[arg-type]
    if spec.positional or spec.kwargs:
        positional = _injections(ctx, spec.positional)
        keyword = dict(zip(spec.kwargs, _injections(ctx, spec.kwargs), strict=True))
        call = functools.partial(spec.fn, state, *positional, **keyword)
    else:
        call = functools.partial(spec.fn, state)
    if spec.is_async:
        try:
            return await asyncio.create_task(call(), context=context)
        except asyncio.CancelledError as exc:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the run cancelled this task: let it go
            raise NodeCancelledError(task.name) from exc
    if inline and _settings["inline_sync_nodes"]:
        result = context.run(call)
    else:
        result = await asyncio.get_running_loop().run_in_executor(_POOL, context.run, call)
    if asyncio.iscoroutine(result):  # a sync-looking callable that returned a coroutine
        result = await asyncio.create_task(result, context=context)
    return result


async def _call_subgraph(ctx: TaskContext, spec: NodeSpec, state: Any) -> Any:
    """A compiled graph used as a node: run it nested, return the parent's keys of its output."""
    try:
        values = await spec.fn.ainvoke(state, ctx.config)
    except ParentCommand as pc:
        return Command(update=pc.command.update, goto=pc.command.goto, resume=pc.command.resume)
    if not isinstance(values, dict):
        return values
    keys = ctx.loop.plan.state_key_set
    return {k: v for k, v in values.items() if k in keys}
