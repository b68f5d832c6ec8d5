"""The loop: runs super-steps, saves checkpoints and writes, emits stream events.

This is the only engine code that talks to a checkpointer or a stream. The step rules
themselves live in ``runtime.pregel.algo``; running one task lives in ``runtime.pregel.task``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import weakref
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runtime.channels import MISSING
from runtime.checkpoint.base import ERROR, INTERRUPT, RESUME, Checkpoint, CheckpointTuple
from runtime.constants import NS_END, START
from runtime.errors import (
    AmbiguousResumeError,
    CheckpointNotFoundError,
    EmptyInputError,
    GraphBubbleUp,
    GraphDrained,
    GraphInterrupt,
    GraphRecursionError,
    NodeError,
    ParentCommand,
)
from runtime.pregel import algo
from runtime.pregel.context import ONCE, TaskContext
from runtime.pregel.ids import checkpoint_id, task_id
from runtime.pregel.messages import MessageStream
from runtime.pregel.saver import Saver
from runtime.pregel.task import run_task
from runtime.types import Command, Interrupt

if TYPE_CHECKING:
    from runtime.pregel.graph import CompiledStateGraph

NULL_TASK = "00000000-0000-0000-0000-000000000000"
# The event loops the sync API (invoke, stream) runs graphs on, one per calling thread:
# nobody else waits on them, so a lone sync node may run on the loop's own thread.
SYNC_LOOPS: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
NO_WRITES = "__no_writes__"
HANDLED = "__error_handler__"  # a failed task's write naming the handler it was routed to
_SPECIAL = frozenset({ERROR, INTERRUPT, RESUME, ONCE, NO_WRITES, HANDLED})


class Sink:
    """Where a run's stream events go, in the order they happen, from any thread.

    Items go on a deque right away (also from a node's worker thread or a nested graph's
    helper thread), so a chunk is ordered by when it was made, not by when the event loop
    next got round to it; ``get`` waits on an event the writer sets.
    """

    def __init__(self, modes: set[str], subgraphs: bool) -> None:
        self.modes = modes
        self.subgraphs = subgraphs
        self.items: deque[Any] = deque()
        self.ready = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        self.thread = threading.get_ident()
        self.messages: MessageStream | None = None  # set by astream for the messages mode

    def put(self, ns: tuple[str, ...], mode: str, payload: Any) -> None:
        self.put_item((ns, mode, payload))

    def put_item(self, item: Any) -> None:
        self.items.append(item)
        if threading.get_ident() == self.thread:
            self.ready.set()
        else:
            self.loop.call_soon_threadsafe(self.ready.set)

    async def get(self) -> Any:
        """The next item, waiting for one when there is none yet."""
        while not self.items:
            self.ready.clear()
            if self.items:
                break
            await self.ready.wait()
        return self.items.popleft()


class TeeSink(Sink):
    """The stream of a graph a node streams itself (``sub.stream(...)`` inside a node):
    its chunks go to that loop's caller, and on to the run's stream as a nested graph's
    when the run streams subgraphs."""

    def __init__(self, modes: set[str], subgraphs: bool, outer: Sink) -> None:
        super().__init__(modes, subgraphs)
        self.outer = outer
        self.outer_modes = (outer.modes if outer.subgraphs else set()) - {"messages"}

    def put(self, ns: tuple[str, ...], mode: str, payload: Any) -> None:
        if mode in self.modes:
            self.put_item((ns, mode, payload))
        if mode in self.outer_modes:
            self.outer.put(ns, mode, payload)

    def put_own(self, ns: tuple[str, ...], mode: str, payload: Any) -> None:
        self.put_item((ns, mode, payload))


class Outcome:
    """How a run ended: ``done`` or ``interrupted``, with the state and interrupts."""

    __slots__ = ("status", "values", "interrupts")

    def __init__(self, status: str, values: Any, interrupts: list[Interrupt]) -> None:
        self.status = status
        self.values = values
        self.interrupts = interrupts


def _is_interrupt_id(key: Any) -> bool:
    """Interrupt ids are 32 hex digits (LangGraph's: xxh3-128; ours: blake2b-128)."""
    return isinstance(key, str) and len(key) == 32 and all(c in "0123456789abcdef" for c in key)


_PATH_KINDS = {"pull": "__pregel_pull", "push": "__pregel_push"}


def langgraph_path(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """A task's path as LangGraph names it in node metadata (``("__pregel_pull", node)``)."""
    return (_PATH_KINDS.get(path[0], path[0]), *path[1:]) if path else path


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class Loop:
    """One invocation of a compiled graph (root or nested)."""

    def __init__(
        self,
        graph: CompiledStateGraph,
        *,
        config: dict[str, Any],
        sink: Sink,
        checkpointer: Any,
        store: Any,
        durability: str,
        interrupt_before: Sequence[str],
        interrupt_after: Sequence[str],
        context: Any,
        parent: TaskContext | None,
        ns: str,
        recursion_limit: int,
        control: Any = None,
    ) -> None:
        self.graph = graph
        self.plan = graph.plan
        self.config = config
        self.sink = sink
        self.checkpointer = checkpointer
        self.store = store
        self.cache: Any = graph.cache
        if self.cache is None and parent is not None:
            self.cache = parent.loop.cache
        self.durability = durability
        self.before = frozenset(graph.plan.order if "*" in interrupt_before else interrupt_before)
        self.after = frozenset(graph.plan.order if "*" in interrupt_after else interrupt_after)
        self.context = context
        self.parent = parent
        self.ns = ns
        self.ns_tuple: tuple[str, ...] = tuple(ns.split("|")) if ns else ()
        self.recursion_limit = recursion_limit
        self.control = control
        self.stop = recursion_limit
        self.max_concurrency = _max_concurrency(config)
        self.step_timeout: float | None = getattr(graph, "step_timeout", None)
        conf = config.get("configurable") or {}
        self.thread_id = conf.get("thread_id")
        self.requested_checkpoint = conf.get("checkpoint_id") if parent is None else None
        self.metadata_extra = dict(config.get("metadata") or {})
        self.channels = algo.new_channels(self.plan)
        self.versions: dict[str, str] = {}
        self.checkpoint_id: str | None = None
        self.checkpoint_ts: str | None = None
        self.saver = Saver(checkpointer, durability, self.thread_id, ns)
        self.run_prefix = f"{id(self):x}-"
        self.step = -1
        self.pending: list[tuple[str, str, Any]] = []
        # a nested graph's resume answers that match none of its pending interrupts
        self.unclaimed_resume: list[Any] = []
        self.dirty: set[str] = set()
        # the channels that changed in the last step: only their nodes can be triggered next
        self.changed: set[str] | None = None
        self.ran: list[str] = []
        emit_all = parent is None or sink.subgraphs
        # a nested graph's messages reach the stream through sink.messages, not emit()
        self.wants = {m for m in sink.modes} if emit_all else set()
        if isinstance(sink, TeeSink):
            self.wants = sink.modes | sink.outer_modes
        # A lone sync node runs on the event loop's thread only where that blocks no one
        # (the sync API's own loop) and no chunk it makes is awaited while it runs
        # (custom/messages/subgraph streams deliver as they happen, as in LangGraph).
        self.inline = asyncio.get_running_loop() in SYNC_LOOPS and not (
            sink.subgraphs or sink.modes & {"custom", "messages"}
        )

    # --- events --------------------------------------------------------------------

    def emit(self, mode: str, payload: Any) -> None:
        if mode in self.wants:
            self.sink.put(self.ns_tuple, mode, payload)

    # --- entry ---------------------------------------------------------------------

    async def run(self, input: Any) -> Outcome:
        self.saver.start()
        try:
            outcome = await self._run(input)
            if outcome.status == "done" and self.parent is not None and NS_END in self.ns:
                # durability "exit": a nested graph that finished leaves nothing to resume,
                # so (as in LangGraph) only the root's final checkpoint is stored; one
                # keeping per-thread state (no task id in its namespace) still saves
                self.saver.drop_exit()
            return outcome
        finally:
            await self._flush()

    async def _run(self, input: Any) -> Outcome:
        saved = await self._load()
        # the last step this run may take, as LangGraph counts it (the step about to run,
        # -1 on a new thread, plus the limit, plus one); RemainingSteps is stop - step
        self.stop = self.step + self.recursion_limit + 1
        fork = await self._replay(saved, input)
        self._apply_saved_null_writes()
        resuming = False
        if self.parent is not None and saved is not None and self._has_next():
            # a nested graph re-run by its parent task: continue where it stopped
            self._adopt_resume(self.parent.resume)
            resuming = True
        elif isinstance(input, Command):
            if saved is None:
                raise EmptyInputError(
                    f"thread {self.thread_id!r} has no checkpoint to resume or update: start it "
                    "with an input first"
                )
            await self._apply_command(input)
            resuming = True
        elif input is None:
            if saved is None:
                raise EmptyInputError(
                    "received no input and there is no checkpoint to resume"
                    + (f" for thread {self.thread_id!r}" if self.thread_id else "")
                )
            resuming = True
        else:
            await self._start_input(input)
        if fork:
            await self._checkpoint("fork", self.step)
        if resuming and "values" in self.wants:
            self.emit("values", self.stream_values())  # where it resumes from, as LangGraph
        return await self._steps(skip_before=resuming)

    async def _replay(self, saved: CheckpointTuple | None, input: Any) -> bool:
        """LangGraph's time travel, for a run addressed at a checkpoint by id. Returns
        whether the run starts its own branch with a ``fork`` checkpoint.

        Without ``Command(resume=)`` the run travels: the checkpoint's tasks run again
        (their saved writes and answers are not reused, so an interrupt asks again). A resume
        at a checkpoint the thread has moved past re-runs finished tasks too, keeping the
        answers. A travelling run forks, unless it starts at the head's own update or fork.
        """
        if self.parent is not None or self.requested_checkpoint is None or saved is None:
            return False
        if input is not None and not isinstance(input, Command):
            return False  # new input at a past checkpoint: an ordinary run from there
        travels = not (isinstance(input, Command) and input.resume is not None)
        latest = await self.checkpointer.aget_tuple(
            {"configurable": {"thread_id": self.thread_id, "checkpoint_ns": self.ns}}
        )
        superseded = latest is not None and latest.checkpoint.id != saved.checkpoint.id
        if travels:
            self.pending = [w for w in self.pending if w[1] == INTERRUPT]
        elif superseded:
            self.pending = [w for w in self.pending if w[1] in (RESUME, INTERRUPT)]
        forks = travels and (saved.metadata.get("source") not in ("update", "fork") or superseded)
        if forks:
            self.pending = []
        return forks

    async def _load(self) -> CheckpointTuple | None:
        if self.checkpointer is None:
            return None
        cfg = {"configurable": {"thread_id": self.thread_id, "checkpoint_ns": self.ns}}
        if self.requested_checkpoint:
            cfg["configurable"]["checkpoint_id"] = self.requested_checkpoint
        saved = await self.checkpointer.aget_tuple(cfg)
        if saved is None:
            if self.requested_checkpoint:
                raise CheckpointNotFoundError(
                    f"checkpoint {self.requested_checkpoint!r} not found in thread {self.thread_id!r}"
                )
            return None
        ckpt = saved.checkpoint
        self.channels = algo.new_channels(self.plan, ckpt.channel_values)
        self.versions = dict(ckpt.channel_versions)
        self.saver.loaded(saved.config, self.channels, self.versions)
        self.checkpoint_id = ckpt.id
        self.checkpoint_ts = ckpt.ts
        self.step = int(saved.metadata.get("step", -1)) + 1
        self.pending = list(saved.pending_writes)
        return saved

    def _has_next(self) -> bool:
        return bool(
            algo.prepare_tasks(
                self.plan,
                self.channels,
                self.checkpoint_id or "",
                self.step,
                self.ns,
                with_input=False,
            )
        )

    async def _start_input(self, input: Any) -> None:
        """New input: clear leftover control flow, put the input on START, checkpoint."""
        for key in self.plan.control:
            ch = self.channels[key]
            if ch.value is not MISSING:
                ch.value = MISSING
                self.dirty.add(key)
        self.channels[START].update([input])
        self.dirty.add(START)
        self.pending = []
        await self._checkpoint("input", self.step if self.checkpoint_id else -1)

    # --- resume --------------------------------------------------------------------

    def pending_interrupts(self) -> dict[str, str]:
        """interrupt id -> id of the task that raised it, for the current checkpoint."""
        out: dict[str, str] = {}
        for tid, ch, value in self.pending:
            if ch == INTERRUPT:
                for intr in value:
                    out[intr.id if isinstance(intr, Interrupt) else intr["id"]] = tid
        return out

    def _resume_maps(self) -> dict[str, dict[str, Any]]:
        return {tid: dict(v) for tid, ch, v in self.pending if ch == RESUME}

    def _adopt_resume(self, resume: dict[str, Any]) -> None:
        """Take the resume values a parent task holds for interrupts of this nested graph."""
        owners = self.pending_interrupts()
        maps = self._resume_maps()
        for iid, value in resume.items():
            tid = owners.get(iid)
            if tid is not None:
                maps.setdefault(tid, {})[iid] = value
        if resume and not owners:
            # none of this graph's tasks is waiting (its state was edited since it paused,
            # so the interrupted task is gone): the latest answer goes to the next
            # interrupt, as LangGraph's null resume; earlier answers were consumed already
            self.unclaimed_resume = [list(resume.values())[-1]]
        self._set_resume_maps(maps, save=False)

    def _set_resume_maps(self, maps: dict[str, dict[str, Any]], save: bool = True) -> None:
        self.pending = [w for w in self.pending if w[1] != RESUME]
        for tid, m in maps.items():
            self.pending.append((tid, RESUME, m))
            if save:
                self._save_writes(tid, [(RESUME, m)], name=None)

    async def _apply_command(self, cmd: Command) -> None:
        if cmd.resume is not None:
            given = self._resume_targets(cmd.resume)
            maps = self._resume_maps()
            owners = self.pending_interrupts()
            for iid, value in given.items():
                maps.setdefault(owners[iid], {})[iid] = value
            if given:
                self._set_resume_maps(maps)
        writes, gotos = (
            algo.state_update_writes(self.plan, "__input__", cmd)
            if (cmd.update is not None or cmd.goto_list())
            else ([], [])
        )
        if gotos:
            writes = [*writes, *algo.destination_writes(self.plan, "Command", gotos)]
        if writes:
            null = algo.Task(NULL_TASK, "__input__", (), None, (), "", writes=list(writes))
            self.dirty |= algo.apply_writes(self.plan, self.channels, [null])
            # saved with the checkpoint, as LangGraph does: a run that pauses again in this
            # step makes no new checkpoint, and the next one must still see the update
            self.pending.extend((NULL_TASK, ch, v) for ch, v in writes)
            self._save_writes(NULL_TASK, list(writes), name=None)

    def _apply_saved_null_writes(self) -> None:
        """Apply the Command updates saved with the loaded checkpoint (LangGraph's NULL writes)."""
        writes = [(ch, v) for tid, ch, v in self.pending if tid == NULL_TASK]
        if writes:
            null = algo.Task(NULL_TASK, "__input__", (), None, (), "", writes=writes)
            self.dirty |= algo.apply_writes(self.plan, self.channels, [null])

    def _resume_targets(self, resume: Any) -> dict[str, Any]:
        """Which pending interrupts ``Command(resume=...)`` answers, as LangGraph reads it.

        A dict keyed by interrupt ids answers those (ids not pending answer nothing); any
        other value answers the one pending interrupt. With none pending (a static
        breakpoint) the run just continues; with several, the ids are required.
        """
        owners = self.pending_interrupts()
        if isinstance(resume, dict) and resume and all(_is_interrupt_id(k) for k in resume):
            return {k: v for k, v in resume.items() if k in owners}
        if len(owners) > 1:
            raise AmbiguousResumeError(
                "When there are multiple pending interrupts, you must specify the interrupt id "
                f"when resuming. {len(owners)} are pending in thread {self.thread_id!r} (ids "
                f"{', '.join(sorted(owners))}): resume with Command(resume={{id: value, ...}})"
            )
        return {iid: resume for iid in owners}

    # --- steps ---------------------------------------------------------------------

    async def _steps(self, *, skip_before: bool) -> Outcome:
        while True:
            tasks = algo.prepare_tasks(
                self.plan,
                self.channels,
                self.checkpoint_id or "",
                self.step,
                self.ns,
                changed=self.changed,
                stop=self.stop,
            )
            if not tasks:
                return self._outcome("done", [])
            if self.step > self.stop:
                raise GraphRecursionError(
                    f"Recursion limit of {self.recursion_limit} reached without hitting a stop "
                    "condition. Raise it with config {'recursion_limit': N} or check the graph "
                    "for a cycle with no exit."
                )
            if not skip_before and any(t.name in self.before for t in tasks):
                return self._static_interrupt()
            if self.control is not None and self.control.drain_requested:
                # a drain stops at a step boundary (after the breakpoint check: a resume
                # passes the step's breakpoints, so draining in front of one would skip
                # it); this step's checkpoint is saved, so invoking with None runs it
                raise GraphDrained(self.control.drain_reason or "shutdown")
            skip_before = False
            interrupts = await self._run_step(tasks)
            if interrupts is not None:
                return self._interrupted(tasks, interrupts)
            self.changed = algo.apply_writes(self.plan, self.channels, tasks)
            self.dirty |= self.changed
            self.ran = [t.name for t in tasks]
            await self._checkpoint("loop", self.step)
            if "values" in self.wants and not self.changed.isdisjoint(self.plan.state_key_set):
                self.emit("values", self.stream_values())  # only a step that changed them
            if any(t.name in self.after for t in tasks):
                return self._static_interrupt()

    def _static_interrupt(self) -> Outcome:
        """A breakpoint (interrupt_before/after): an empty ``__interrupt__`` update.

        A nested graph's breakpoint is reported once, by the root, for the paused task."""
        if "updates" in self.wants and self.parent is None:
            self.emit("updates", {"__interrupt__": ()})
        return self._outcome("interrupted", [])

    def _interrupted(self, tasks: list[algo.Task], interrupts: list[Interrupt]) -> Outcome:
        """A step cut short by an interrupt: the run's output shows the tasks that finished.

        As in LangGraph, their writes are applied for the output (and a last ``values``
        chunk) but not checkpointed: the step re-runs on resume and reuses them then.
        """
        finished = [t for t in tasks if t.done and t.writes]
        if not finished:
            return self._outcome("interrupted", interrupts)
        channels = {k: ch.copy() for k, ch in self.channels.items()}
        changed = algo.apply_writes(self.plan, channels, finished)
        if "values" in self.wants and not changed.isdisjoint(self.plan.state_key_set):
            self.emit("values", algo.read_output(self.plan, channels))
        values = algo.read_output(self.plan, channels, self.plan.output_keys)
        return Outcome("interrupted", values, interrupts)

    def _outcome(self, status: str, interrupts: list[Interrupt]) -> Outcome:
        return Outcome(status, self.output_values(), interrupts)

    def output_values(self) -> Any:
        """The run's output: the output schema's keys (the state schema's by default)."""
        return algo.read_output(self.plan, self.channels, self.plan.output_keys)

    def stream_values(self) -> Any:
        """What the values stream shows, as LangGraph: every key of the state, private too."""
        return algo.read_output(self.plan, self.channels)

    def _match_pending(self, tasks: list[algo.Task]) -> dict[str, TaskContext]:
        by_task: dict[str, list[tuple[str, Any]]] = {}
        resume: dict[str, dict[str, Any]] = {}
        once: dict[str, dict[str, Any]] = {}
        failed: set[str] = set()
        handled: dict[str, str] = {}  # failed task -> the error handler it was routed to
        for tid, ch, value in self.pending:
            if ch == RESUME:
                resume[tid] = value
            elif ch.startswith(ONCE):
                once.setdefault(tid, {})[ch[len(ONCE) + 1 :]] = value
            elif ch in (INTERRUPT, ERROR):
                failed.add(tid)
            elif ch == HANDLED:
                handled[tid] = value
            else:
                by_task.setdefault(tid, []).append((ch, value))
                # writes after its interrupt: a task resumed while others stayed pending finished
                failed.discard(tid)
        contexts: dict[str, TaskContext] = {}
        for t in list(tasks) if handled else tasks:
            if t.id in by_task and t.id not in failed:
                t.writes = [w for w in by_task[t.id] if w[0] != NO_WRITES]
                t.done = True
                continue
            if t.id in handled:
                # it failed and its error handler was scheduled: run (or reuse) the handler
                t.done = True
                error = _saved_error(self.pending, t.id)
                h = self._handler_task(t, handled[t.id], error, contexts)
                tasks.insert(tasks.index(t) + 1, h)
                if h.id in by_task:
                    h.writes, h.done = by_task[h.id], True
                    contexts.pop(h.id)
                continue
            contexts[t.id] = TaskContext(
                task=t,
                loop=self,
                config=self._task_config(t),
                resume=resume.get(t.id, {}),
                once=once.get(t.id, {}),
            )
        return contexts

    def _handler_task(
        self,
        failed: algo.Task,
        handler: str,
        error: BaseException,
        contexts: dict[str, TaskContext],
    ) -> algo.Task:
        """The task of ``failed``'s error handler: same step, same input, told the error."""
        path = (failed.path[0], "error_handler", failed.name, failed.id)
        tid = task_id(self.checkpoint_id or "", self.ns, self.step, handler, repr(path))
        prefix = f"{self.ns}|" if self.ns else ""
        task = algo.Task(tid, handler, path, failed.input, (), f"{prefix}{handler}:{tid}")
        contexts[tid] = TaskContext(
            task=task,
            loop=self,
            config=self._task_config(task),
            node_error=NodeError(failed.name, error),
        )
        return task

    def _task_config(self, task: algo.Task) -> dict[str, Any]:
        conf = dict(self.config.get("configurable") or {})
        conf["checkpoint_ns"] = task.ns
        conf.pop("checkpoint_id", None)
        config = {
            **self.config,
            "configurable": conf,
            "metadata": {
                **self.metadata_extra,
                "langgraph_step": self.step,
                "langgraph_node": task.name,
                "langgraph_triggers": tuple(task.triggers),
                "langgraph_path": langgraph_path(task.path),
                "langgraph_checkpoint_ns": task.ns,
            },
        }
        if self.sink.messages is not None:
            # a chat model the node calls with this config streams its tokens
            config["callbacks"] = [self.sink.messages.handler]
        return config

    async def _run_step(self, tasks: list[algo.Task]) -> list[Interrupt] | None:
        """Run the tasks of one step. Returns the interrupts, or None when all finished.

        Each task's writes are saved as soon as it finishes (in a step of several tasks),
        so a crash re-runs only the tasks that had not finished.
        """
        contexts = self._match_pending(tasks)
        todo = [t for t in tasks if not t.done]
        if len(todo) < len(tasks) and "updates" in self.wants:
            self._emit_reused_updates(tasks)
        handled: list[tuple[algo.Task, algo.Task]] = []  # (failed task, its handler's task)
        save_each = len(tasks) > 1 or self.durability == "sync"
        running = len(todo)

        async def one(t: algo.Task, inline: bool) -> tuple[bool, BaseException | None]:
            nonlocal running
            if t.name != START:
                self._emit_task_start(t)
            try:
                await run_task(contexts[t.id], inline=inline)
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                running -= 1
                if isinstance(exc, GraphInterrupt):
                    self._save_writes(t.id, [(INTERRUPT, list(exc.interrupts))], name=t.name)
                    self._emit_interrupt(tuple(exc.interrupts))
                    self._emit_task_result(t, exc, exc.interrupts)
                elif not isinstance(exc, ParentCommand | GraphDrained):
                    handler = (
                        self.plan.nodes[t.name].error_handler_node if t.name != START else None
                    )
                    failure: list[tuple[str, Any]] = [(ERROR, _error_value(exc))]
                    if handler is not None:
                        failure.append((HANDLED, handler))
                    self._save_writes(t.id, failure, name=t.name)
                    self._emit_task_result(t, exc, ())
                    if handler is not None:
                        t.done = True
                        h = self._handler_task(t, handler, exc, contexts)
                        handled.append((t, h))
                        running += 1
                        return await one(h, inline)
                return False, exc
            t.done = True
            running -= 1
            if save_each:
                writes = t.writes or [(NO_WRITES, None)]
                self._save_writes(t.id, writes, name=t.name, last=running == 0)
            self._emit_task_result(t, None, ())
            return True, None

        if self.step_timeout is None:
            results = await self._run_all(todo, one)
        else:  # LangGraph's graph.step_timeout: the whole step, cancelled when it is over
            results = await asyncio.wait_for(self._run_all(todo, one), self.step_timeout)
        for failed, h in handled:  # a handler's writes apply right after its node's place
            tasks.insert(tasks.index(failed) + 1, h)
        interrupts: list[Interrupt] = []
        paused = False  # a nested graph's static breakpoint pauses with no interrupt value
        error: BaseException | None = None
        for ok, exc in results:
            if ok or exc is None:
                continue
            if isinstance(exc, GraphInterrupt):
                interrupts.extend(exc.interrupts)
                paused = True
            else:  # a ParentCommand at the root propagates to the caller, as in LangGraph
                error = error or exc
        if error is not None:
            raise error
        return interrupts if paused else None

    async def _run_all(self, todo: list[algo.Task], one: Any) -> list[Any]:
        """Run a step's tasks: one inline, several concurrently (at most max_concurrency)."""
        limit = self.max_concurrency
        if len(todo) == 1:
            return [await one(todo[0], self.inline)]
        if limit is None or len(todo) <= limit:
            return await _until_a_failure([one(t, False) for t in todo])
        slots = asyncio.Semaphore(limit)

        async def bounded(t: algo.Task) -> Any:
            async with slots:
                return await one(t, False)

        return await _until_a_failure([bounded(t) for t in todo])

    def _emit_reused_updates(self, tasks: list[algo.Task]) -> None:
        """Tasks that finished before the run paused are not re-run on resume: their saved
        writes are streamed again as updates marked ``cached``, as LangGraph does."""
        for t in tasks:
            if not t.done or t.name == START or not t.writes:
                continue
            update = algo.update_of(self.plan, t.writes)
            self.emit("updates", {t.name: update, "__metadata__": {"cached": True}})

    def _emit_interrupt(self, interrupts: tuple[Interrupt, ...]) -> None:
        if "updates" in self.wants:
            self.emit("updates", {"__interrupt__": interrupts})
        if interrupts and "values" in self.wants:  # a nested breakpoint has no values chunk
            values = self.stream_values()
            chunk = {"__interrupt__": interrupts}
            self.emit("values", {**values, **chunk} if isinstance(values, dict) else chunk)

    def _emit_task_start(self, t: algo.Task) -> None:
        if "tasks" in self.wants or "debug" in self.wants:
            payload = {"id": t.id, "name": t.name, "input": t.input, "triggers": tuple(t.triggers)}
            self.emit("tasks", payload)
            self.emit(
                "debug",
                {"type": "task", "timestamp": _now(), "step": self.step, "payload": payload},
            )

    def _emit_task_result(
        self, t: algo.Task, exc: BaseException | None, intr: Sequence[Interrupt]
    ) -> None:
        if t.name == START:
            return
        if exc is None and "updates" in self.wants:
            chunk = {t.name: t.update}
            if t.cached:
                chunk["__metadata__"] = {"cached": True}
            self.emit("updates", chunk)
        if isinstance(exc, GraphInterrupt):
            exc = None  # paused (a nested graph's breakpoint has no interrupt value), not failed
        if "tasks" in self.wants or "debug" in self.wants:
            # LangGraph's task result: the error itself, the output-key writes as a dict
            payload = {
                "id": t.id,
                "name": t.name,
                "error": exc,
                "result": {} if exc or intr else task_result(t.writes, self.plan.output_keys),
                "interrupts": [i.to_dict() for i in intr],
            }
            self.emit("tasks", payload)
            self.emit(
                "debug",
                {"type": "task_result", "timestamp": _now(), "step": self.step, "payload": payload},
            )

    # --- persistence ---------------------------------------------------------------

    async def _checkpoint(self, source: str, step: int) -> None:
        """Create the checkpoint for the current channels and (per durability) save it."""
        saving = self.checkpointer is not None
        if saving:
            new_id = checkpoint_id()
            ts = _now()
        else:  # nothing will see it: a cheap id that still keeps task ids unique
            new_id = f"{self.run_prefix}{step}"
            ts = ""
        for ch in self.dirty:
            self.versions[ch] = new_id
        changed = self.dirty
        self.dirty = set()
        parent_id = self.checkpoint_id
        self.checkpoint_id = new_id
        self.checkpoint_ts = ts
        self.pending = []
        metadata = {**self.metadata_extra, "source": source, "step": step, "parents": {}}
        self.step = step + 1
        if saving and self.wants & {"checkpoints", "debug"}:  # as LangGraph: saved ones only
            self._emit_checkpoint(new_id, parent_id, metadata)
        if saving:
            ckpt = Checkpoint(id=new_id, ts=ts, channel_versions=dict(self.versions))
            await self.saver.checkpoint(ckpt, metadata, self.channels, changed, self.ran)

    def _emit_checkpoint(self, cid: str, parent_id: str | None, metadata: dict[str, Any]) -> None:
        tasks = algo.prepare_tasks(
            self.plan, self.channels, cid, self.step, self.ns, with_input=False
        )
        config_for = self.saver.config_for
        payload = {
            "config": config_for(cid) or {"configurable": {"checkpoint_id": cid}},
            # durability "exit" stores none of a run's checkpoints but its last, so (as in
            # LangGraph) the events name no parent the history would not have
            "parent_config": None if self.durability == "exit" else config_for(parent_id),
            "values": self.stream_values(),
            "metadata": metadata,
            "next": [t.name for t in tasks],
            "tasks": [
                {"id": t.id, "name": t.name, "interrupts": (), "state": self._task_state(t)}
                for t in tasks
            ],
        }
        self.emit("checkpoints", payload)
        self.emit(
            "debug",
            {
                "type": "checkpoint",
                "timestamp": _now(),
                "step": metadata["step"],
                "payload": payload,
            },
        )

    def _task_state(self, task: algo.Task) -> dict[str, Any] | None:
        """Where a task's subgraph keeps its checkpoints (None when the node runs no graph)."""
        if self.thread_id is None or task.name not in self.graph._subgraphs():
            return None
        return {"configurable": {"thread_id": self.thread_id, "checkpoint_ns": task.ns}}

    def _save_writes(
        self, task_id: str, writes: list[tuple[str, Any]], *, name: str | None, last: bool = False
    ) -> None:
        """Save a task's writes against the current checkpoint (per durability)."""
        if self.checkpointer is not None:
            self.saver.writes(self.checkpoint_id, task_id, writes, name, last=last)

    def save_once(self, task: algo.Task, key: str, value: Any) -> None:
        """Persist a ``once`` result right away (called from the node's thread)."""
        if self.checkpointer is not None:
            self.saver.write_now(self.checkpoint_id, task.id, [(f"{ONCE}:{key}", value)])

    async def _flush(self) -> None:
        if self.checkpointer is not None:
            await self.saver.flush(self.versions, self.channels, self.checkpoint_id)


def _max_concurrency(config: dict[str, Any]) -> int | None:
    """The config's ``max_concurrency``: at most this many tasks of a step run at once."""
    value = config.get("max_concurrency")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"config 'max_concurrency' must be a positive integer, got {value!r}")
    return value


def _saved_error(pending: list[tuple[str, str, Any]], task_id: str) -> BaseException:
    """A failed task's error as saved with its writes, as an exception again."""
    for tid, ch, value in pending:
        if tid == task_id and ch == ERROR:
            if isinstance(value, BaseException):
                return value
            if isinstance(value, dict):
                return Exception(f"{value.get('type')}: {value.get('message')}")
            return Exception(str(value))
    return Exception("unknown error")


async def _until_a_failure(runs: list[Any]) -> list[tuple[bool, BaseException | None]]:
    """Run a step's tasks concurrently; the first that fails cancels the others.

    As in LangGraph: an error (not an interrupt or a Command for the parent) ends the step,
    so siblings still running are cancelled; their result is (False, None).
    """
    futures = [asyncio.ensure_future(r) for r in runs]
    try:
        pending = set(futures)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if any(_failed(f.result()) for f in done):
                break
    finally:
        for f in futures:
            if not f.done():
                f.cancel()
        await asyncio.gather(*futures, return_exceptions=True)
    return [(False, None) if f.cancelled() else f.result() for f in futures]


def _failed(result: tuple[bool, BaseException | None]) -> bool:
    ok, exc = result
    return not ok and exc is not None and not isinstance(exc, GraphBubbleUp)


def _error_value(exc: BaseException) -> str:
    """What a failed task's error write holds: the exception's repr, as LangGraph stores it."""
    return repr(exc)


def task_result(writes: Sequence[tuple[str, Any]], keys: Sequence[str]) -> dict[str, Any]:
    """A task's writes to ``keys`` as a dict; several writes to one key become ``$writes``."""
    out: dict[str, Any] = {}
    for key, value in writes:
        if key not in keys:
            continue
        if key not in out:
            out[key] = value
            continue
        seen = out[key]
        many = seen["$writes"] if isinstance(seen, dict) and "$writes" in seen else [seen]
        out[key] = {"$writes": [*many, value]}
    return out
