"""CompiledStateGraph: run a graph (sync and async from one core) and read or edit its state."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import dataclasses
import inspect
import queue
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from runtime.checkpoint.base import ERROR, INTERRUPT, RESUME, CheckpointTuple
from runtime.constants import CONF, NS_END, NS_SEP
from runtime.errors import GraphInterrupt, InvalidUpdateError, ParentCommand
from runtime.pregel import algo
from runtime.pregel.context import CURRENT, ONCE, TaskContext
from runtime.pregel.introspect import describe
from runtime.pregel.loop import HANDLED, NO_WRITES, SYNC_LOOPS, Loop, Sink, TeeSink
from runtime.pregel.messages import MessageStream
from runtime.pregel.runnable import RunnableSurface, merge_configs
from runtime.pregel.task import cache_namespaces
from runtime.runtime import RunControl, coerce_context
from runtime.types import (
    STREAM_MODES,
    Command,
    Interrupt,
    PregelTask,
    StateSnapshot,
    StateUpdate,
)

DEFAULT_RECURSION_LIMIT = 25
_SPECIAL_WRITES = frozenset({ERROR, INTERRUPT, RESUME, ONCE, NO_WRITES, HANDLED})


class CompiledStateGraph(RunnableSurface):
    """A validated graph, ready to run. Mirrors LangGraph's CompiledStateGraph API."""

    def __init__(
        self,
        builder: Any,
        *,
        plan: algo.Plan,
        checkpointer: Any,
        store: Any,
        interrupt_before: Sequence[str],
        interrupt_after: Sequence[str],
        name: str,
        cache: Any = None,
    ) -> None:
        self.builder = builder
        self.plan = plan
        self.checkpointer = checkpointer
        self.store = store
        self.cache = cache
        self.step_timeout: float | None = None  # seconds a whole super-step may take
        self.interrupt_before_nodes = tuple(interrupt_before)
        self.interrupt_after_nodes = tuple(interrupt_after)
        self.name = name
        self.config: dict[str, Any] | None = None  # bound by with_config()

    # --- running -------------------------------------------------------------------

    def _loop(
        self,
        config: dict[str, Any] | None,
        sink: Sink,
        *,
        context: Any,
        durability: str | None,
        interrupt_before: Sequence[str] | None,
        interrupt_after: Sequence[str] | None,
        control: RunControl | None = None,
        lend: tuple[Any, str] | None = None,
    ) -> Loop:
        config = merge_configs(self.config, config) if self.config else dict(config or {})
        parent = _parent_task(config)
        if parent is not None and getattr(sink, "outer", sink) is not parent.loop.sink:
            parent = None  # an unrelated graph run from inside a node with its own stream
        checkpointer = self.checkpointer
        ns = ""
        if parent is not None:
            # a nested graph saves with its parent's checkpointer (LangGraph lends it
            # through the config), unless it was compiled stateless (checkpointer=False)
            checkpointer = None if checkpointer is False else parent.loop.checkpointer
            ns = self._nested_ns(parent)
            pconf = parent.config.get(CONF) or {}
            config = {**parent.config, **{k: v for k, v in config.items() if k != CONF}}
            config[CONF] = {**pconf, "checkpoint_ns": ns}
            context = context if context is not None else parent.loop.context
            durability = durability or parent.loop.durability
        else:
            if checkpointer is True or checkpointer is False:
                checkpointer = None
            context = coerce_context(self.builder.context_schema, context)
            conf = config.get(CONF) or {}
            if lend is not None:  # a parent's state method addressing this subgraph's state
                checkpointer, ns = lend
            elif conf.get("checkpoint_ns"):
                # a subgraph's checkpoint config given to the root graph: LangGraph runs
                # the root from its latest checkpoint (the namespace is the subgraph's)
                config[CONF] = {
                    k: v for k, v in conf.items() if k not in ("checkpoint_ns", "checkpoint_id")
                }
        conf = config.get(CONF) or {}
        if checkpointer is not None and not conf.get("thread_id"):
            raise ValueError(
                "Checkpointer requires one or more of the following 'configurable' keys: "
                "thread_id (this graph has a checkpointer, so invoke it with "
                "config={'configurable': {'thread_id': ...}})"
            )
        return Loop(
            self,
            config=config,
            sink=sink,
            checkpointer=checkpointer,
            store=self.store if self.store is not None else (parent.loop.store if parent else None),
            durability=durability or "async",
            interrupt_before=self.interrupt_before_nodes
            if interrupt_before is None
            else interrupt_before,
            interrupt_after=self.interrupt_after_nodes
            if interrupt_after is None
            else interrupt_after,
            context=context,
            parent=parent,
            ns=ns,
            recursion_limit=int(config.get("recursion_limit", DEFAULT_RECURSION_LIMIT)),
            # a nested graph drains with its root run
            control=parent.loop.control if parent is not None else (control or RunControl()),
        )

    def _nested_ns(self, parent: TaskContext) -> str:
        """The checkpoint namespace of this graph run inside ``parent``'s task.

        ``node:task_id`` (the task's own), with ``|N`` for the N-th further graph the same
        task runs. A ``checkpointer=True`` graph keeps one history per thread, so its
        namespace drops the task ids (it is the same in every run).
        """
        ns = parent.task.ns
        if parent.subgraph_calls:
            ns = f"{ns}{NS_SEP}{parent.subgraph_calls}"
        parent.subgraph_calls += 1
        if self.checkpointer is True:
            ns = _recast(ns, keep_numbers=True)
        return ns

    async def astream(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        context: Any = None,
        stream_mode: str | Sequence[str] | None = None,
        subgraphs: bool = False,
        interrupt_before: Sequence[str] | None = None,
        interrupt_after: Sequence[str] | None = None,
        durability: str | None = None,
        control: RunControl | None = None,
        **_ignored: Any,
    ) -> AsyncIterator[Any]:
        """Run the graph, yielding stream chunks as LangGraph does for the same arguments."""
        modes, single = _modes(stream_mode)
        parent = _parent_task(config)
        sink: Sink
        if parent is not None:
            sink = TeeSink(set(modes), subgraphs, parent.loop.sink)
            sink.messages = parent.loop.sink.messages
        else:
            sink = Sink(set(modes), subgraphs)
        if parent is None and "messages" in modes:
            sink.messages = MessageStream(sink.put, subgraphs, config or {})
        loop = self._loop(
            config,
            sink,
            context=context,
            durability=durability,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            control=control,
        )
        if isinstance(sink, TeeSink) and "messages" in modes:
            sink.messages = MessageStream(sink.put_own, subgraphs, config or {}, loop.ns_tuple)
        done = object()
        runner = asyncio.ensure_future(loop.run(input))
        runner.add_done_callback(lambda _f: sink.put_item(done))
        try:
            while True:
                item = await sink.get()
                if item is done:
                    break
                ns, mode, payload = item
                if mode not in modes:
                    continue
                if single:
                    yield (ns, payload) if subgraphs else payload
                else:
                    yield (ns, mode, payload) if subgraphs else (mode, payload)
            outcome = runner.result()
            if parent is not None and outcome.status == "interrupted":
                raise GraphInterrupt(outcome.interrupts)  # pauses the run the node is in
        finally:
            if not runner.done():
                runner.cancel()
                try:
                    await runner
                except (asyncio.CancelledError, Exception):
                    pass

    async def _nested(self, input, config, sink, context, durability, before, after):
        loop = self._loop(
            config,
            sink,
            context=context,
            durability=durability,
            interrupt_before=before,
            interrupt_after=after,
        )
        try:
            outcome = await loop.run(input)
        except ParentCommand as pc:
            if pc.command.graph != Command.PARENT:
                raise
            # addressed to the graph of the task that called this one: that task's output
            raise ParentCommand(dataclasses.replace(pc.command, graph=None)) from None
        if outcome.status == "interrupted":
            raise GraphInterrupt(outcome.interrupts)
        return outcome.values

    async def ainvoke(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        context: Any = None,
        stream_mode: str | Sequence[str] = "values",
        interrupt_before: Sequence[str] | None = None,
        interrupt_after: Sequence[str] | None = None,
        durability: str | None = None,
        control: RunControl | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the graph to its end (or an interrupt) and return the final state.

        When the run paused on ``interrupt()``, the state has an ``__interrupt__`` key with
        the pending interrupts.
        """
        parent = _parent_task(config)
        if parent is not None:
            return await self._nested(
                input,
                config,
                parent.loop.sink,
                context,
                durability,
                interrupt_before,
                interrupt_after,
            )
        if stream_mode != "values":
            return [
                c
                async for c in self.astream(
                    input,
                    config,
                    context=context,
                    stream_mode=stream_mode,
                    interrupt_before=interrupt_before,
                    interrupt_after=interrupt_after,
                    durability=durability,
                    control=control,
                    **kwargs,
                )
            ]
        sink = Sink(set(), False)
        loop = self._loop(
            config,
            sink,
            context=context,
            durability=durability,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            control=control,
        )
        outcome = await loop.run(input)
        if outcome.interrupts:
            found = {"__interrupt__": list(outcome.interrupts)}
            return {**outcome.values, **found} if isinstance(outcome.values, dict) else found
        return outcome.values

    def invoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Synchronous ``ainvoke``."""
        return run_sync(self.ainvoke(input, config, **kwargs))

    def stream(
        self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Synchronous ``astream``."""
        return iterate_sync(self.astream(input, config, **kwargs))

    # --- state ---------------------------------------------------------------------

    def _require_checkpointer(self) -> Any:
        cp = self.checkpointer
        if cp is None or cp is True or cp is False:
            raise ValueError("No checkpointer set: compile the graph with checkpointer=...")
        return cp

    async def aget_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        """The state at the checkpoint ``config`` names, or the thread's latest."""
        cp = self._require_checkpointer()
        config = _with_ns(config)
        graph = self._graph_for_ns(config[CONF]["checkpoint_ns"])
        return await graph._state(cp, config, subgraphs)

    async def _state(self, cp: Any, config: dict[str, Any], subgraphs: bool) -> StateSnapshot:
        saved = await cp.aget_tuple(self._own_ns_config(config))
        if saved is None:
            return StateSnapshot({}, (), config, None, None, None, (), ())
        live = not (config.get(CONF) or {}).get("checkpoint_id")
        return await self._snapshot(cp, saved, subgraphs, live=live)

    def _own_ns_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """A ``checkpointer=True`` graph's history lives under its namespace without task ids."""
        if self.checkpointer is not True:
            return config
        ns = config[CONF].get("checkpoint_ns", "")
        return {**config, CONF: {**config[CONF], "checkpoint_ns": _recast(ns, keep_numbers=True)}}

    def _graph_for_ns(self, ns: str) -> CompiledStateGraph:
        """The (nested) graph whose checkpoints a namespace holds: a subgraph node's graph
        for ``node:task_id|...``; this graph for the root namespace or one it cannot trace."""
        graph = self
        for part in ns.split(NS_SEP) if ns else ():
            if part.isdigit():
                continue
            sub = graph._subgraphs().get(part.split(NS_END)[0])
            if sub is None:
                return self
            graph = sub
        return graph

    def _subgraphs(self) -> dict[str, CompiledStateGraph]:
        """node name -> the graph it runs: a subgraph node's, or the one a function node
        calls (found among the names its code refers to, as LangGraph does). Stateless
        graphs (``checkpointer=False``) keep no state, so they are left out."""
        found = self.__dict__.get("_subgraph_map")
        if found is None:
            found = {}
            for name, spec in self.plan.nodes.items():
                sub = spec.fn if spec.is_graph else _graph_referenced_by(spec.fn)
                if sub is not None and sub.checkpointer is not False:
                    found[name] = sub
            self.__dict__["_subgraph_map"] = found
        return found

    def get_subgraphs(
        self, *, namespace: str | None = None, recurse: bool = False
    ) -> Iterator[tuple[str, CompiledStateGraph]]:
        """``(namespace, graph)`` of the graphs this graph's nodes run (``a|b`` when nested)."""
        for name, sub in self._subgraphs().items():
            if namespace is not None and namespace != name:
                if not namespace.startswith(name + NS_SEP):
                    continue
                if recurse:
                    rest = namespace[len(name) + 1 :]
                    for n, s in sub.get_subgraphs(namespace=rest, recurse=True):
                        yield f"{name}{NS_SEP}{n}", s
                continue
            yield name, sub
            if namespace is not None:
                return
            if recurse:
                for n, s in sub.get_subgraphs(recurse=True):
                    yield f"{name}{NS_SEP}{n}", s

    async def aget_subgraphs(
        self, *, namespace: str | None = None, recurse: bool = False
    ) -> AsyncIterator[tuple[str, CompiledStateGraph]]:
        for item in self.get_subgraphs(namespace=namespace, recurse=recurse):
            yield item

    def get_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        return run_sync(self.aget_state(config, subgraphs=subgraphs))

    async def aget_state_history(
        self,
        config: dict[str, Any],
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[StateSnapshot]:
        """Snapshots of a thread, newest first."""
        cp = self._require_checkpointer()
        config = _with_ns(config)
        graph = self._graph_for_ns(config[CONF]["checkpoint_ns"])
        config = graph._own_ns_config(config)
        async for saved in cp.alist(config, filter=filter, before=before, limit=limit):
            yield await graph._snapshot(cp, saved, False)

    def get_state_history(self, config: dict[str, Any], **kwargs: Any) -> Iterator[StateSnapshot]:
        return iterate_sync(self.aget_state_history(config, **kwargs))

    async def _snapshot(
        self, cp: Any, saved: CheckpointTuple, subgraphs: bool, *, live: bool = False
    ) -> StateSnapshot:
        """The state at ``saved``. ``live`` (the thread's head, asked without a checkpoint
        id): as LangGraph, tasks of a step cut short that finished show in the values and
        no longer as interrupted."""
        plan = self.plan
        ckpt = saved.checkpoint
        conf = saved.config[CONF]
        ns = conf.get("checkpoint_ns", "")
        channels = algo.new_channels(plan, ckpt.channel_values)
        step = int(saved.metadata.get("step", -1)) + 1
        tasks = algo.prepare_tasks(plan, channels, ckpt.id, step, ns, with_input=False)
        errors: dict[str, Any] = {}
        interrupts: dict[str, list[Interrupt]] = {}
        results: dict[str, dict[str, Any]] = {}
        for tid, ch, value in saved.pending_writes:
            if ch == ERROR:
                errors[tid] = value
            elif ch == INTERRUPT:
                interrupts.setdefault(tid, []).extend(value)
            elif ch not in _SPECIAL_WRITES and not ch.startswith(ONCE):
                results.setdefault(tid, {})
                if ch in plan.state_key_set:
                    results[tid][ch] = value
        if live:
            for t in tasks:
                if t.id in results:
                    interrupts.pop(t.id, None)
                    t.writes = [(k, v) for k, v in results[t.id].items()]
            algo.apply_writes(plan, channels, [t for t in tasks if t.writes])
        out: list[PregelTask] = []
        nxt: list[str] = []
        for t in tasks:
            state: Any = None
            sub = self._subgraphs().get(t.name)
            if sub is not None:
                state = {CONF: {"thread_id": conf["thread_id"], "checkpoint_ns": t.ns}}
                if subgraphs:
                    state = await sub._state(cp, state, True)
            out.append(
                PregelTask(
                    t.id,
                    t.name,
                    t.path,
                    errors.get(t.id),
                    tuple(interrupts.get(t.id, ())),
                    state,
                    results.get(t.id),
                )
            )
            if t.id not in results:
                nxt.append(t.name)
        if not nxt:
            # every task of the step finished: the step is history, so ``next`` says what
            # ran after this checkpoint (only a step cut short lists just its unfinished tasks)
            nxt = [t.name for t in tasks]
        all_interrupts = tuple(i for t in out for i in t.interrupts)
        return StateSnapshot(
            values=algo.read_output(plan, channels),
            next=tuple(nxt),
            config=saved.config,
            metadata=saved.metadata,
            created_at=ckpt.ts,
            parent_config=saved.parent_config,
            tasks=tuple(out),
            interrupts=all_interrupts,
        )

    async def aupdate_state(
        self,
        config: dict[str, Any],
        values: Any,
        as_node: str | None = None,
        task_id: str | None = None,
    ) -> dict[str, Any]:
        """Write ``values`` as if node ``as_node`` returned them, in a new checkpoint.

        The checkpoint is a child of the one ``config`` names (the thread's head when it
        names none), with source ``update``; see ``runtime.pregel.state_update``.
        """
        return await self.abulk_update_state(config, [[StateUpdate(values, as_node, task_id)]])

    def update_state(
        self,
        config: dict[str, Any],
        values: Any,
        as_node: str | None = None,
        task_id: str | None = None,
    ) -> dict[str, Any]:
        return run_sync(self.aupdate_state(config, values, as_node, task_id))

    async def abulk_update_state(
        self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]
    ) -> dict[str, Any]:
        """Apply supersteps of updates (each a list of ``StateUpdate``), a checkpoint each."""
        from runtime.pregel.state_update import bulk_update

        cp = self._require_checkpointer()
        config = _with_ns(config)
        ns = config[CONF]["checkpoint_ns"]
        graph = self._graph_for_ns(ns)  # a subgraph's checkpoint config edits that subgraph
        if ns and graph is self:
            raise InvalidUpdateError(f"Subgraph {_recast(ns)!r} not found")
        config = graph._own_ns_config(config)  # a checkpointer=True subgraph's own history
        lend = (cp, config[CONF]["checkpoint_ns"])
        return await bulk_update(graph, config, supersteps, lend=lend)

    def bulk_update_state(
        self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]
    ) -> dict[str, Any]:
        return run_sync(self.abulk_update_state(config, supersteps))

    # --- cache ---------------------------------------------------------------------

    async def aclear_cache(self, nodes: Sequence[str] | None = None) -> None:
        """Forget the cached writes of ``nodes`` (default: every node with a CachePolicy)."""
        if self.cache is not None:
            await self.cache.aclear(cache_namespaces(self.plan, nodes))

    def clear_cache(self, nodes: Sequence[str] | None = None) -> None:
        run_sync(self.aclear_cache(nodes))

    # --- introspection -------------------------------------------------------------

    def get_graph(self, config: dict[str, Any] | None = None, *, xray: bool = False) -> Any:
        """Nodes and edges as data (``to_json()``) and Mermaid text (``draw_mermaid()``)."""
        before, after = self.interrupt_before_nodes, self.interrupt_after_nodes
        if "*" in before:
            before = tuple(self.builder.nodes)
        if "*" in after:
            after = tuple(self.builder.nodes)
        return describe(self.builder, self.name, before, after)

    @property
    def nodes(self) -> dict[str, Any]:
        return dict(self.plan.nodes)

    @property
    def channels(self) -> dict[str, Any]:
        return dict(self.plan.channels)


def _recast(ns: str, *, keep_numbers: bool = False) -> str:
    """A checkpoint namespace without its task ids: ``a:1|b:2`` -> ``a|b``.

    ``keep_numbers`` keeps the ``|N`` parts that number a task's further graph runs
    (a ``checkpointer=True`` graph's namespace); without, it names the subgraph only.
    """
    return NS_SEP.join(
        part.split(NS_END)[0] for part in ns.split(NS_SEP) if keep_numbers or not part.isdigit()
    )


def _graph_referenced_by(fn: Any) -> CompiledStateGraph | None:
    """A compiled graph among the closure variables and globals a function refers to."""
    try:
        refs = inspect.getclosurevars(fn)
    except (TypeError, ValueError):  # not a plain function (a partial, a callable object)
        return None
    for value in (*refs.nonlocals.values(), *refs.globals.values()):
        if isinstance(value, CompiledStateGraph):
            return value
    return None


_COORDINATES = ("thread_id", "checkpoint_ns", "checkpoint_id", "checkpoint_map")


def _parent_task(config: dict[str, Any] | None) -> TaskContext | None:
    """The task this graph runs nested in, if any.

    A graph run inside a node is nested in that node's task, unless its config names
    its own checkpoint coordinates (a thread id, say): then it is a root graph of its
    own, as in LangGraph.
    """
    parent = CURRENT.get()
    if parent is not None and config:
        conf = config.get(CONF) or {}
        if conf.get("checkpoint_ns") == parent.task.ns:
            return parent  # the node handed on its own config
        if any(conf.get(k) for k in _COORDINATES):
            return None
    return parent


def _with_ns(config: dict[str, Any]) -> dict[str, Any]:
    conf = dict(config.get(CONF) or {})
    if not conf.get("thread_id"):
        raise ValueError(
            "config needs {'configurable': {'thread_id': ...}} to read or update a thread's state"
        )
    conf.setdefault("checkpoint_ns", "")
    return {**config, CONF: conf}


def _modes(stream_mode: str | Sequence[str] | None) -> tuple[list[str], bool]:
    if stream_mode is None:
        stream_mode = "updates"  # a compiled StateGraph's default in LangGraph
    single = isinstance(stream_mode, str)
    modes: list[str] = (
        [stream_mode] if isinstance(stream_mode, str) else [str(m) for m in stream_mode]
    )
    for m in modes:
        if m not in STREAM_MODES:
            raise ValueError(
                f"unknown stream mode {m!r}; use one of {', '.join(sorted(STREAM_MODES))}"
            )
    return modes, single


# --- sync wrappers: one async core, run on a per-thread event loop -----------------

_local = threading.local()
_HELPERS = concurrent.futures.ThreadPoolExecutor(
    max_workers=8, thread_name_prefix="switchyard-sync"
)


def _thread_loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
        SYNC_LOOPS.add(loop)
    return loop


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_sync(coro: Any) -> Any:
    """Run a coroutine to completion from synchronous code (also from inside a loop's thread)."""
    if _in_running_loop():
        ctx = contextvars.copy_context()
        return _HELPERS.submit(ctx.run, lambda: _thread_loop().run_until_complete(coro)).result()
    return _thread_loop().run_until_complete(coro)


def iterate_sync(agen: Any) -> Iterator[Any]:
    """Iterate an async generator from synchronous code."""
    if _in_running_loop():
        yield from _iterate_in_helper(agen)
        return
    loop = _thread_loop()
    try:
        while True:
            try:
                item = loop.run_until_complete(agen.__anext__())
            except StopAsyncIteration:
                return
            yield item
    finally:
        loop.run_until_complete(agen.aclose())


def _iterate_in_helper(agen: Any) -> Iterator[Any]:
    q: queue.Queue[Any] = queue.Queue(maxsize=64)
    end = object()
    stop = threading.Event()

    def pump() -> None:
        loop = _thread_loop()
        try:
            while not stop.is_set():
                try:
                    item = loop.run_until_complete(agen.__anext__())
                except StopAsyncIteration:
                    break
                q.put((True, item))
        except BaseException as exc:
            q.put((False, exc))
        finally:
            loop.run_until_complete(agen.aclose())
            q.put((True, end))

    ctx = contextvars.copy_context()
    fut = _HELPERS.submit(ctx.run, pump)
    try:
        while True:
            ok, item = q.get()
            if not ok:
                raise item
            if item is end:
                break
            yield item
    finally:
        stop.set()
        fut.result()
