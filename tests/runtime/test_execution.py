"""Execution: super-steps, concurrency, Send, Command, joins, signatures, retries, limits."""

from __future__ import annotations

import asyncio
import operator
import threading
import time
from typing import Annotated, Any, TypedDict

import pytest

from runtime import END, START, Command, RetryPolicy, Runtime, Send, StateGraph, get_stream_writer
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import EmptyInputError, GraphRecursionError, InvalidUpdateError
from runtime.store import InMemoryStore


class S(TypedDict):
    x: int
    log: Annotated[list, operator.add]


def test_super_step_writes_apply_at_the_end_of_the_step():
    seen = {}

    def a(state):
        seen["a"] = state["x"]
        return {"x": 10, "log": ["a"]}

    def b(state):
        seen["b"] = state["x"]  # b runs in the same step as a: it must not see a's write
        return {"log": ["b"]}

    def c(state):
        seen["c"] = state["x"]
        return {"log": ["c"]}

    g = StateGraph(S)
    g.add_node("a", a)
    g.add_node("b", b)
    g.add_node("c", c)
    g.add_edge(START, "a")
    g.add_edge(START, "b")
    g.add_edge("a", "c")
    out = g.compile().invoke({"x": 1})
    assert seen == {"a": 1, "b": 1, "c": 10}
    assert out["log"] == ["a", "b", "c"]


def test_sync_nodes_of_one_step_run_in_threads_concurrently():
    threads = set()

    def slow(name):
        def node(state):
            threads.add(threading.get_ident())
            time.sleep(0.3)
            return {"log": [name]}

        return node

    g = StateGraph(S)
    for n in ("a", "b", "c"):
        g.add_node(n, slow(n))
        g.add_edge(START, n)
    start = time.perf_counter()
    out = g.compile().invoke({"x": 0})
    assert time.perf_counter() - start < 0.75
    assert out["log"] == ["a", "b", "c"]
    assert len(threads) == 3


def test_async_nodes_run_concurrently_on_the_event_loop():
    async def slow(state):
        await asyncio.sleep(0.3)
        return {"log": ["x"]}

    g = StateGraph(S)
    for n in ("a", "b", "c", "d"):
        g.add_node(n, slow)
        g.add_edge(START, n)
    app = g.compile()
    start = time.perf_counter()
    out = asyncio.run(app.ainvoke({"x": 0}))
    assert time.perf_counter() - start < 0.75
    assert out["log"] == ["x"] * 4


def test_join_waits_for_all_sources():
    g = StateGraph(S)
    g.add_node("a", lambda s: {"log": ["a"]})
    g.add_node("b1", lambda s: {"log": ["b1"]})
    g.add_node("b2", lambda s: {"log": ["b2"]})
    g.add_node("join", lambda s: {"log": [f"join after {len(s['log'])}"]})
    g.add_edge(START, "a")
    g.add_edge(START, "b1")
    g.add_edge("b1", "b2")
    g.add_edge(["a", "b2"], "join")
    out = g.compile().invoke({"x": 0})
    assert out["log"] == ["a", "b1", "b2", "join after 3"]


def test_send_map_reduce():
    class MR(TypedDict):
        subjects: list
        jokes: Annotated[list, operator.add]

    def fan_out(state):
        return [Send("joke", {"subject": s}) for s in state["subjects"]]

    def joke(arg):
        return {"jokes": [f"joke about {arg['subject']}"]}

    g = StateGraph(MR)
    g.add_node("joke", joke)
    g.add_conditional_edges(START, fan_out, ["joke"])
    g.add_edge("joke", END)
    out = g.compile().invoke({"subjects": ["cats", "dogs", "owls"]})
    assert out["jokes"] == ["joke about cats", "joke about dogs", "joke about owls"]


def test_command_goto_and_update():
    def router(state) -> Command:
        return Command(update={"log": ["router"]}, goto="right" if state["x"] > 0 else "left")

    g = StateGraph(S)
    g.add_node("router", router, destinations=("left", "right"))
    g.add_node("left", lambda s: {"log": ["left"]})
    g.add_node("right", lambda s: {"log": ["right"]})
    g.add_edge(START, "router")
    app = g.compile()
    assert app.invoke({"x": 1})["log"] == ["router", "right"]
    assert app.invoke({"x": -1})["log"] == ["router", "left"]


def test_command_goto_send_list():
    def fan(state):
        return Command(goto=[Send("work", i) for i in range(3)])

    g = StateGraph(S)
    g.add_node("fan", fan, destinations=("work",))
    g.add_node("work", lambda i: {"log": [i * 10]})
    g.add_edge(START, "fan")
    assert g.compile().invoke({"x": 0})["log"] == [0, 10, 20]


def test_node_signatures_config_and_runtime():
    class Ctx(TypedDict):
        user: str

    store = InMemoryStore()
    store.put(("prefs",), "u1", {"tone": "dry"})
    got = {}

    def with_config(state, config):
        got["thread"] = config["configurable"].get("thread_id")
        got["node"] = config["metadata"]["langgraph_node"]
        return {"log": ["config"]}

    def with_runtime(state, runtime: Runtime[Ctx]):
        got["user"] = runtime.context["user"]
        got["tone"] = runtime.store.get(("prefs",), "u1").value["tone"]
        runtime.stream_writer({"progress": 1})
        return {"log": ["runtime"]}

    def with_kwargs(state, *, store, writer):
        writer("kw")
        return {"log": [type(store).__name__]}

    g = StateGraph(S, context_schema=Ctx)
    g.add_node("with_config", with_config)
    g.add_node("with_runtime", with_runtime)
    g.add_node("with_kwargs", with_kwargs)
    g.add_edge(START, "with_config")
    g.add_edge("with_config", "with_runtime")
    g.add_edge("with_runtime", "with_kwargs")
    app = g.compile(checkpointer=InMemoryCheckpointer(), store=store)
    chunks = list(
        app.stream(
            {"x": 0},
            {"configurable": {"thread_id": "t1"}},
            context={"user": "ann"},
            stream_mode="custom",
        )
    )
    assert chunks == [{"progress": 1}, "kw"]
    assert got == {"thread": "t1", "node": "with_config", "user": "ann", "tone": "dry"}


def test_recursion_limit():
    g = StateGraph(S)
    g.add_node("loop", lambda s: {"x": s["x"] + 1})
    g.add_edge(START, "loop")
    g.add_conditional_edges("loop", lambda s: "loop" if s["x"] < 1000 else END, ["loop", END])
    app = g.compile()
    with pytest.raises(GraphRecursionError, match="Recursion limit of 10"):
        app.invoke({"x": 0}, {"recursion_limit": 10})
    assert app.invoke({"x": 990}, {"recursion_limit": 20})["x"] == 1000


def test_retry_policy_retries_then_succeeds():
    calls = {"n": 0}

    def flaky(state):
        calls["n"] += 1
        if calls["n"] < 3:
            raise ConnectionError("try again")
        return {"log": ["ok"]}

    g = StateGraph(S)
    g.add_node(
        "flaky",
        flaky,
        retry_policy=RetryPolicy(initial_interval=0.01, jitter=False, max_attempts=3),
    )
    g.add_edge(START, "flaky")
    assert g.compile().invoke({"x": 0})["log"] == ["ok"]
    assert calls["n"] == 3


def test_retry_policy_gives_up_and_does_not_retry_programming_errors():
    calls = {"n": 0}

    def broken(state):
        calls["n"] += 1
        raise ValueError("bad input")

    g = StateGraph(S)
    g.add_node("broken", broken, retry_policy=RetryPolicy(initial_interval=0.01, max_attempts=5))
    g.add_edge(START, "broken")
    with pytest.raises(ValueError, match="bad input") as err:
        g.compile().invoke({"x": 0})
    assert calls["n"] == 1
    assert any("broken" in note for note in err.value.__notes__)

    calls["n"] = 0
    g2 = StateGraph(S)
    g2.add_node(
        "broken",
        broken,
        retry_policy=RetryPolicy(
            initial_interval=0.01, jitter=False, max_attempts=3, retry_on=ValueError
        ),
    )
    g2.add_edge(START, "broken")
    with pytest.raises(ValueError):
        g2.compile().invoke({"x": 0})
    assert calls["n"] == 3


def test_retry_delay_backoff():
    p = RetryPolicy(initial_interval=1, backoff_factor=2, max_interval=5, jitter=False)
    assert [p.delay(i) for i in (1, 2, 3, 4)] == [1, 2, 4, 5]


def test_sync_and_async_apis_agree():
    g = StateGraph(S)
    g.add_node("a", lambda s: {"x": s["x"] + 1, "log": ["a"]})
    g.add_edge(START, "a")
    app = g.compile()

    async def collect():
        return [c async for c in app.astream({"x": 1}, stream_mode="updates")]

    assert asyncio.run(collect()) == list(app.stream({"x": 1}, stream_mode="updates"))
    assert asyncio.run(app.ainvoke({"x": 1})) == app.invoke({"x": 1})


def test_misuse_errors_name_the_node_key_or_thread():
    g = StateGraph(S)
    g.add_node("returns_list", lambda s: [1, 2])
    g.add_edge(START, "returns_list")
    with pytest.raises(InvalidUpdateError, match="'returns_list'.*expected a dict"):
        g.compile().invoke({"x": 0})

    g = StateGraph(S)
    g.add_node("a", lambda s: {"x": 1})
    g.add_edge(START, "a")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    with pytest.raises(ValueError, match="thread_id"):
        app.invoke({"x": 0})
    with pytest.raises(EmptyInputError, match="'t-1' has no checkpoint to resume"):
        app.invoke(Command(resume="yes"), {"configurable": {"thread_id": "t-1"}})
    with pytest.raises(EmptyInputError, match="'fresh'"):
        app.invoke(None, {"configurable": {"thread_id": "fresh"}})


def test_stream_writer_outside_a_node_is_a_no_op():
    get_stream_writer()("nothing happens")


def test_input_schema_and_output_schema():
    class In(TypedDict):
        question: str

    class Out(TypedDict):
        answer: str

    class Full(TypedDict):
        question: str
        answer: str
        scratch: str

    def answer(state: Full) -> dict[str, Any]:
        return {"answer": state["question"].upper(), "scratch": "private"}

    g = StateGraph(Full, input_schema=In, output_schema=Out)
    g.add_node("answer", answer)
    g.add_edge(START, "answer")
    assert g.compile().invoke({"question": "hi", "scratch": "ignored"}) == {"answer": "HI"}


def test_sync_nodes_can_be_kept_off_the_event_loop_thread():
    import runtime

    def where(state):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return {"log": ["no loop"]}
        return {"log": ["on the loop"]}

    g = StateGraph(S)
    g.add_node("where", where)
    g.add_edge(START, "where")
    app = g.compile()
    from runtime.pregel.task import _settings

    before = _settings["inline_sync_nodes"]  # a Django app in the same process turns it off
    try:
        runtime.configure(inline_sync_nodes=True)
        assert app.invoke({"x": 0})["log"] == ["on the loop"]  # the fast default
        runtime.configure(inline_sync_nodes=False)
        assert app.invoke({"x": 0})["log"] == ["no loop"]  # what Django's ORM needs
    finally:
        runtime.configure(inline_sync_nodes=before)


def test_a_failing_async_task_cancels_its_running_siblings():
    cancelled = asyncio.Event()
    started = asyncio.Event()

    async def slow(state):
        started.set()
        try:
            await asyncio.Event().wait()  # only a cancel ends it
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def bad(state):
        await started.wait()
        raise ValueError("I am bad")

    g = StateGraph(S)
    g.add_node("slow", slow)
    g.add_node("bad", bad)
    g.add_edge(START, "slow")
    g.add_edge(START, "bad")
    app = g.compile()

    async def run():
        with pytest.raises(ValueError, match="I am bad"):
            await app.ainvoke({"x": 0})
        return cancelled.is_set()

    assert asyncio.run(run())  # as LangGraph: an error ends the step, siblings are cancelled


def test_until_a_failure_keeps_siblings_of_an_interrupt_running():
    from runtime.errors import GraphInterrupt
    from runtime.pregel.loop import _until_a_failure

    async def result(value, yields=0):
        for _ in range(yields):  # finish after the interrupted sibling
            await asyncio.sleep(0)
        return value

    async def run():
        paused = (False, GraphInterrupt(()))
        return await _until_a_failure([result(paused), result((True, None), 3)])

    assert [ok for ok, _ in asyncio.run(run())] == [False, True]
