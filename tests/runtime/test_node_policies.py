"""Node policies: error handlers, set_node_defaults, TimeoutPolicy and CachePolicy."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any, Literal, TypedDict

import pytest

from runtime import END, START, Command, RetryPolicy, Send, StateGraph, interrupt
from runtime.cache.memory import InMemoryCache
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import GraphValidationError, NodeCancelledError, NodeError, NodeTimeoutError
from runtime.runtime import Runtime
from runtime.types import CachePolicy, TimeoutPolicy


class S(TypedDict, total=False):
    foo: str
    log: Annotated[list[str], operator.add]


class F(TypedDict, total=False):
    foo: str


def boom(state: S) -> S:
    raise RuntimeError("boom")


NO_WAIT = RetryPolicy(initial_interval=0.0, jitter=False, max_attempts=2, retry_on=RuntimeError)


# --- error handlers ----------------------------------------------------------------


def test_error_handler_runs_after_retries_with_the_error_and_can_route():
    attempts: list[int] = []
    told: list[NodeError] = []

    def flaky(state: S) -> S:
        attempts.append(1)
        raise RuntimeError("boom")

    def handler(state: S, error: NodeError) -> Command[Literal["after"]]:
        told.append(error)
        return Command(update={"foo": "handled"}, goto="after")

    graph = (
        StateGraph(S)
        .add_node("flaky", flaky, retry_policy=NO_WAIT, error_handler=handler)
        .add_node("after", lambda s: {"foo": s["foo"] + "+after"})
        .add_edge(START, "flaky")
        .compile()
    )
    assert graph.invoke({"foo": ""})["foo"] == "handled+after"
    assert len(attempts) == 2
    assert told[0].node == "flaky" and str(told[0].error) == "boom"
    updates = list(graph.stream({"foo": ""}, stream_mode="updates"))
    assert updates == [
        {"__error_handler__flaky": {"foo": "handled"}},
        {"after": {"foo": "handled+after"}},
    ]


def test_a_failing_error_handler_fails_the_run():
    def bad_handler(state: S) -> S:
        raise ValueError("handler failed")

    graph = StateGraph(S).add_node("n", boom, error_handler=bad_handler).add_edge(START, "n")
    with pytest.raises(ValueError, match="handler failed"):
        graph.compile().invoke({"foo": ""})


def test_error_handler_catches_a_subgraph_failure_and_leaves_interrupts_alone():
    def handler(state: F, error: NodeError) -> F:
        return {"foo": f"from {error.node}: {error.error}"}

    sub = StateGraph(F).add_node("inner", boom).add_edge(START, "inner").compile()
    handled = StateGraph(F).add_node("sub", sub, error_handler=handler)
    graph = handled.add_edge(START, "sub").compile()
    assert graph.invoke({"foo": ""}) == {"foo": "from sub: boom"}

    def asks(state: S) -> S:
        return {"foo": interrupt("why?")}

    paused = (
        StateGraph(S)
        .add_node("asks", asks, error_handler=lambda s: {"foo": "swallowed"})
        .add_edge(START, "asks")
        .compile(checkpointer=InMemoryCheckpointer())
    )
    cfg = {"configurable": {"thread_id": "i"}}
    out = paused.invoke({"foo": ""}, cfg)
    assert out["__interrupt__"][0].value == "why?"


def test_resuming_after_a_handler_crash_reruns_the_handler_not_the_node():
    calls = {"node": 0, "handler": 0}
    errors: list[NodeError] = []
    crash = [True]

    def node(state: F) -> F:
        calls["node"] += 1
        raise RuntimeError("boom")

    def handler(state: F, error: NodeError) -> F:
        calls["handler"] += 1
        errors.append(error)
        if crash[0]:
            raise RuntimeError("handler crash")
        return {"foo": "recovered"}

    graph = (
        StateGraph(F)
        .set_node_defaults(error_handler=handler)
        .add_node("n", node)
        .add_edge(START, "n")
        .compile(checkpointer=InMemoryCheckpointer())
    )
    cfg = {"configurable": {"thread_id": "crash"}}
    with pytest.raises(RuntimeError, match="handler crash"):
        graph.invoke({"foo": ""}, cfg)
    assert graph.get_state(cfg).next == ("n",)
    crash[0] = False
    assert graph.invoke(None, cfg) == {"foo": "recovered"}
    assert calls == {"node": 1, "handler": 2}
    assert errors[1].node == "n" and "boom" in str(errors[1].error)


# --- set_node_defaults -------------------------------------------------------------


def test_node_defaults_give_each_node_what_it_does_not_set_itself():
    seen: list[str] = []

    def default_handler(state: S, error: NodeError) -> S:
        seen.append(f"default:{error.node}")
        return {"log": [f"default:{error.node}"]}

    def own_handler(state: S, error: NodeError) -> S:
        return {"log": [f"own:{error.node}"]}

    graph = (
        StateGraph(S)
        .add_node("a", boom, error_handler=own_handler)
        .add_node("b", boom)
        .add_edge(START, "a")
        .add_edge(START, "b")
        .set_node_defaults(error_handler=default_handler, retry_policy=NO_WAIT)
        .compile()
    )
    assert sorted(graph.invoke({"log": []})["log"]) == ["default:b", "own:a"]
    assert seen == ["default:b"]


def test_the_default_handler_name_must_be_free():
    builder = (
        StateGraph(S)
        .set_node_defaults(error_handler=lambda s: {})
        .add_node("__default_error_handler__", lambda s: s)
        .add_edge(START, "__default_error_handler__")
    )
    with pytest.raises(GraphValidationError, match="__default_error_handler__"):
        builder.compile()


# --- timeouts ----------------------------------------------------------------------


async def _forever(state: S) -> S:
    await asyncio.Event().wait()
    return {"foo": "never"}


def test_run_timeout_cancels_the_attempt_and_names_the_node():
    graph = (
        StateGraph(S)
        .set_node_defaults(timeout=0.05)
        .add_node("slow", _forever)
        .add_edge(START, "slow")
        .compile()
    )
    with pytest.raises(NodeTimeoutError) as err:
        graph.invoke({"foo": ""})
    assert (err.value.node, err.value.kind, err.value.run_timeout) == ("slow", "run", 0.05)


STRICT = {"strict": TimeoutPolicy(run_timeout=0.05)}


def test_idle_timeout_is_kept_alive_by_heartbeats_and_a_send_can_replace_it():
    async def busy(state: S, runtime: Runtime[Any]) -> S:
        for _ in range(20):
            await asyncio.sleep(0.01)
            runtime.heartbeat()
        return {"log": ["busy done"]}

    graph = (
        StateGraph(S)
        .add_node("busy", busy, timeout=TimeoutPolicy(idle_timeout=0.15))
        .add_conditional_edges(START, lambda s: [Send("busy", s, timeout=STRICT.get(s["foo"]))])
        .add_edge("busy", END)
        .compile()
    )
    assert graph.invoke({"foo": "lax"})["log"] == ["busy done"]
    with pytest.raises(NodeTimeoutError) as err:
        graph.invoke({"foo": "strict"})
    assert err.value.kind == "run"


def test_timed_out_attempts_are_retried_by_the_retry_policy():
    attempts: list[int] = []

    async def flaky(state: F) -> F:
        attempts.append(1)
        if len(attempts) < 2:
            await asyncio.Event().wait()
        return {"foo": "second try"}

    retry = RetryPolicy(initial_interval=0.0, jitter=False, retry_on=NodeTimeoutError)
    graph = (
        StateGraph(F)
        .add_node("flaky", flaky, timeout=TimeoutPolicy(idle_timeout=0.05), retry_policy=retry)
        .add_edge(START, "flaky")
        .compile()
    )
    assert graph.invoke({"foo": ""}) == {"foo": "second try"}
    assert len(attempts) == 2


def test_timeouts_on_sync_nodes_are_refused_at_compile():
    builder = StateGraph(S).add_node("n", lambda s: s, timeout=1.0).add_edge(START, "n")
    with pytest.raises(GraphValidationError, match="only supported for async nodes"):
        builder.compile()
    with pytest.raises(ValueError, match="greater than 0"):
        TimeoutPolicy.coerce(TimeoutPolicy(run_timeout=0))


# --- cache -------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cache_policy_reuses_writes_for_the_same_input_until_ttl_or_clear():
    calls: list[str] = []

    def expensive(state: F) -> F:
        calls.append(state["foo"])
        return {"foo": state["foo"].upper()}

    clock = Clock()
    graph = (
        StateGraph(F)
        .add_node("up", expensive, cache_policy=CachePolicy(ttl=10))
        .add_edge(START, "up")
        .compile(cache=InMemoryCache(clock=clock))
    )
    assert graph.invoke({"foo": "a"}) == {"foo": "A"}
    assert list(graph.stream({"foo": "a"}, stream_mode="updates")) == [
        {"up": {"foo": "A"}, "__metadata__": {"cached": True}}
    ]
    assert graph.invoke({"foo": "b"}) == {"foo": "B"}
    assert calls == ["a", "b"]
    clock.now = 11.0  # past the ttl
    graph.invoke({"foo": "a"})
    graph.clear_cache()
    graph.invoke({"foo": "b"})
    assert calls == ["a", "b", "a", "b"]


def test_compile_refuses_something_that_is_not_a_cache():
    with pytest.raises(TypeError, match="cache"):
        StateGraph(S).add_node("n", lambda s: s).add_edge(START, "n").compile(cache=object())


def test_step_timeout_cancels_a_step_that_runs_too_long():
    cancelled: list[str] = []

    async def hangs(state: F) -> F:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append("hangs")
            raise
        return {}

    graph = StateGraph(F).add_node("hangs", hangs).add_edge(START, "hangs").compile()
    graph.step_timeout = 0.05
    with pytest.raises(TimeoutError):
        graph.invoke({"foo": ""})
    assert cancelled == ["hangs"]


def test_a_node_raising_cancelled_error_itself_fails_the_run():
    async def ok(state: S) -> S:
        return {"log": ["ok"]}

    async def cancels(state: S) -> S:
        raise asyncio.CancelledError("from the node's own code")

    graph = (
        StateGraph(S)
        .add_node("ok", ok)
        .add_node("cancels", cancels)
        .add_edge(START, "ok")
        .add_edge(START, "cancels")
        .compile()
    )
    with pytest.raises(NodeCancelledError) as err:
        graph.invoke({"log": []})
    assert err.value.node == "cancels"


def test_langchain_callback_events_count_as_progress_for_an_idle_timeout():
    from langchain_core.runnables import RunnableLambda

    step = RunnableLambda(lambda x: x + 1)

    async def chain_calls(state: F) -> F:
        n = 0
        for _ in range(20):
            await asyncio.sleep(0.02)
            n = await step.ainvoke(n)  # inherits the node's LangChain config: an event
        return {"foo": str(n)}

    graph = (
        StateGraph(F)
        .add_node("calls", chain_calls, timeout=TimeoutPolicy(idle_timeout=0.2))
        .add_edge(START, "calls")
        .compile()
    )
    assert graph.invoke({"foo": ""}) == {"foo": "20"}
    strict = (
        StateGraph(F)
        .add_node(
            "calls",
            chain_calls,
            timeout=TimeoutPolicy(idle_timeout=0.2, refresh_on="heartbeat"),
        )
        .add_edge(START, "calls")
        .compile()
    )
    with pytest.raises(NodeTimeoutError):
        strict.invoke({"foo": ""})  # only heartbeats count: 0.4 s without one
