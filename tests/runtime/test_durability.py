"""Durability: finished tasks are not re-run after a failure or a crash; bounded async saves."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

import pytest

from runtime import START, StateGraph
from runtime.checkpoint import InMemoryCheckpointer


class S(TypedDict):
    log: Annotated[list, operator.add]


def test_failed_step_re_runs_only_the_failed_task():
    calls = {"ok": 0, "flaky": 0}
    broken = {"on": True}

    def ok(state):
        calls["ok"] += 1
        return {"log": ["ok"]}

    def flaky(state):
        calls["flaky"] += 1
        if broken["on"]:
            raise KeyError("upstream down")
        return {"log": ["flaky"]}

    g = StateGraph(S)
    g.add_node("ok", ok)
    g.add_node("flaky", flaky)
    g.add_edge(START, "ok")
    g.add_edge(START, "flaky")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "t"}}
    with pytest.raises(KeyError):
        app.invoke({"log": []}, cfg)
    state = app.get_state(cfg)
    assert state.next == ("flaky",)
    [task] = [t for t in state.tasks if t.name == "flaky"]
    assert task.error == "KeyError('upstream down')"  # the exception's repr, as LangGraph
    broken["on"] = False
    # a step's writes apply in task path order (by node name), as in LangGraph
    assert app.invoke(None, cfg)["log"] == ["flaky", "ok"]
    assert calls == {"ok": 1, "flaky": 2}


@pytest.mark.parametrize("durability", ["sync", "async"])
def test_crash_mid_step_keeps_finished_tasks(durability):
    calls = {"fast": 0, "slow": 0}
    gate = {"block": True}

    async def fast(state):
        calls["fast"] += 1
        return {"log": ["fast"]}

    async def slow(state):
        calls["slow"] += 1
        if gate["block"]:
            await asyncio.sleep(60)
        return {"log": ["slow"]}

    g = StateGraph(S)
    g.add_node("fast", fast)
    g.add_node("slow", slow)
    g.add_edge(START, "fast")
    g.add_edge(START, "slow")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "t"}}

    async def crash():
        run = asyncio.ensure_future(app.ainvoke({"log": []}, cfg, durability=durability))
        await asyncio.sleep(0.2)  # fast has finished, slow is stuck
        run.cancel()  # the worker dies
        with pytest.raises(asyncio.CancelledError):
            await run

    asyncio.run(crash())
    gate["block"] = False
    out = asyncio.run(app.ainvoke(None, cfg, durability=durability))
    assert out["log"] == ["fast", "slow"]
    assert calls == {"fast": 1, "slow": 2}


class SlowCheckpointer(InMemoryCheckpointer):
    """Takes 20 ms per checkpoint save and records how saves and nodes interleave."""

    def __init__(self, timeline, delay=0.02):
        super().__init__()
        self.timeline = timeline
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0

    async def aput(self, config, checkpoint, metadata, blobs):
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.timeline.append("save-start")
        await asyncio.sleep(self.delay)
        try:
            return self.put(config, checkpoint, metadata, blobs)
        finally:
            self.timeline.append("save-end")
            self.in_flight -= 1

    async def aput_step(self, config, writes, task_id, checkpoint, metadata, blobs):
        self.put_writes(config, writes, task_id)
        return await self.aput(config, checkpoint, metadata, blobs)


def _chain(n, timeline=None):
    async def step(state):
        if timeline is not None:
            timeline.append("node")
        await asyncio.sleep(0.01)
        return {"log": [1]}

    g = StateGraph(S)
    prev = START
    for i in range(n):
        g.add_node(f"n{i}", step)
        g.add_edge(prev, f"n{i}")
        prev = f"n{i}"
    return g


def _overlaps(timeline):
    """Whether a node started while a checkpoint save was in flight."""
    saving = False
    for event in timeline:
        if event == "save-start":
            saving = True
        elif event == "save-end":
            saving = False
        elif event == "node" and saving:
            return True
    return False


def test_async_durability_overlaps_saves_with_steps_but_stays_bounded():
    timeline: list[str] = []
    cp = SlowCheckpointer(timeline)
    app = _chain(10, timeline).compile(checkpointer=cp)
    out = app.invoke({"log": []}, {"configurable": {"thread_id": "a"}}, durability="async")
    assert len(out["log"]) == 10
    assert cp.max_in_flight == 1  # never a queue of pending saves
    assert len(list(cp.list({"configurable": {"thread_id": "a"}}))) == 12
    assert _overlaps(timeline)  # saves ran while the next step worked

    timeline2: list[str] = []
    cp2 = SlowCheckpointer(timeline2)
    app2 = _chain(10, timeline2).compile(checkpointer=cp2)
    app2.invoke({"log": []}, {"configurable": {"thread_id": "s"}}, durability="sync")
    assert not _overlaps(timeline2)  # sync: each checkpoint is stored before the next step


def test_exit_durability_saves_once_at_the_end():
    cp = InMemoryCheckpointer()
    app = _chain(5).compile(checkpointer=cp)
    cfg = {"configurable": {"thread_id": "e"}}
    assert len(app.invoke({"log": []}, cfg, durability="exit")["log"]) == 5
    assert [h.metadata["step"] for h in app.get_state_history(cfg)] == [5]
    assert app.get_state(cfg).values["log"] == [1] * 5


class _Recording(InMemoryCheckpointer):
    """Records which store calls the engine makes, by kind."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def put(self, config, checkpoint, metadata, blobs):
        self.calls.append("put")
        return super().put(config, checkpoint, metadata, blobs)

    def put_writes(self, config, writes, task_id):
        self.calls.append("writes:" + ",".join(sorted(ch for ch, _ in writes)))
        return super().put_writes(config, writes, task_id)

    def put_step(self, config, writes, task_id, checkpoint, metadata, blobs):
        self.calls.append("step")
        # the base class's two calls, not recorded again
        InMemoryCheckpointer.put_writes(self, config, writes, task_id)
        return InMemoryCheckpointer.put(self, config, checkpoint, metadata, blobs)


def _two_then_one(saver: InMemoryCheckpointer) -> tuple[object, dict]:
    """START -> (a, b) in parallel -> c."""
    g = StateGraph(S)
    g.add_node("a", lambda s: {"log": ["a"]})
    g.add_node("b", lambda s: {"log": ["b"]})
    g.add_node("c", lambda s: {"log": ["c"]})
    g.add_edge(START, "a")
    g.add_edge(START, "b")
    g.add_edge(["a", "b"], "c")
    return g.compile(checkpointer=saver), {"configurable": {"thread_id": "t"}}


def test_sync_stores_the_last_task_s_writes_with_the_checkpoint_after_them():
    saver = _Recording()
    app, cfg = _two_then_one(saver)
    out = app.invoke({"log": []}, cfg, durability="sync")
    assert sorted(out["log"][:2]) == ["a", "b"] and out["log"][2] == "c"
    # input: __start__'s writes go with the first loop checkpoint; a step of two tasks:
    # the first finisher's writes at once, the last's with the checkpoint; then c's step.
    assert saver.calls == ["put", "step", "writes:join:a+b:c,log", "step", "step"]
    # what is stored is what separate calls would have stored
    reference = InMemoryCheckpointer()
    ref_app, _ = _two_then_one(reference)
    ref_app.invoke({"log": []}, cfg, durability="async")
    ours = [
        (h.metadata["step"], h.values, sorted(t.name for t in h.tasks))
        for h in app.get_state_history(cfg)
    ]
    ref = [
        (h.metadata["step"], h.values, sorted(t.name for t in h.tasks))
        for h in ref_app.get_state_history(cfg)
    ]
    assert [(s, sorted(v["log"]), t) for s, v, t in ours] == [
        (s, sorted(v["log"]), t) for s, v, t in ref
    ]
    steps = {h.metadata["step"]: h for h in app.get_state_history(cfg)}
    pending = saver.get_tuple(steps[0].config).pending_writes
    assert sorted(v for _t, ch, v in pending if ch == "log") == [["a"], ["b"]]


def test_held_writes_are_stored_when_no_checkpoint_follows():
    """A reducer refusing the step's writes: no checkpoint, yet the finished task's writes
    are stored (as before), so the error is reproducible from the stored state."""

    class Strict(TypedDict):
        n: int  # a plain value: two writes in one step are an error

    g = StateGraph(Strict)
    g.add_node("a", lambda s: {"n": 1})
    g.add_node("b", lambda s: {"n": 2})
    g.add_edge(START, "a")
    g.add_edge(START, "b")
    saver = _Recording()
    app = g.compile(checkpointer=saver)
    cfg = {"configurable": {"thread_id": "t"}}
    with pytest.raises(Exception, match="n"):
        app.invoke({"n": 0}, cfg, durability="sync")
    # the input checkpoint, __start__'s step; then both tasks' writes, neither held back
    assert saver.calls == ["put", "step", "writes:n", "writes:n"]
    pending = saver.get_tuple(cfg).pending_writes
    assert sorted(v for _t, ch, v in pending if ch == "n") == [1, 2]


def test_an_interrupt_is_never_held():
    from runtime import interrupt

    g = StateGraph(S)
    g.add_node("ask", lambda s: {"log": [interrupt("ok?")]})
    g.add_edge(START, "ask")
    saver = _Recording()
    app = g.compile(checkpointer=saver)
    cfg = {"configurable": {"thread_id": "t"}}
    app.invoke({"log": []}, cfg, durability="sync")
    assert saver.calls == ["put", "step", "writes:__interrupt__"]
    assert app.get_state(cfg).tasks[0].interrupts[0].value == "ok?"


@pytest.mark.parametrize("durability", ["sync", "async"])
def test_cancelling_a_run_keeps_every_checkpoint_it_made(durability):
    """Cancelled while waiting for a save in flight: that save (and, with async, the one
    queued behind it) still completes; a cancel loses only the unfinished step."""
    timeline: list[str] = []
    cp = SlowCheckpointer(timeline, delay=0.2)
    app = _chain(5, timeline).compile(checkpointer=cp)
    cfg = {"configurable": {"thread_id": "c"}}
    made: list[str] = []

    async def consume() -> None:
        async for chunk in app.astream(
            {"log": []}, cfg, durability=durability, stream_mode="checkpoints"
        ):
            made.append(chunk["config"]["configurable"]["checkpoint_id"])

    async def go() -> None:
        task = asyncio.ensure_future(consume())
        while len(made) < 3:  # the second node's checkpoint: waiting for the save before
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
    stored = {t.checkpoint.id for t in cp.list(cfg)}
    assert len(made) < 7, "the run finished before it was cancelled"
    assert set(made) <= stored
