"""Real runtime graphs for the live-server API tests (loaded through GRAPHS_CONFIG)."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

from runtime import END, START, Runtime, Send, StateGraph, interrupt


class TickState(TypedDict):
    count: int
    log: Annotated[list, operator.add]


async def tick(state: TickState) -> dict:
    # Slow enough to be cancelled mid-run, fast enough to finish a short run.
    await asyncio.sleep(0.05)
    return {"count": state.get("count", 0) + 1, "log": [state.get("count", 0) + 1]}


def more(state: TickLimitState) -> str:  # a path reads only the keys its annotation declares
    return "tick" if state["count"] < state.get("limit", 200) else END


class TickLimitState(TickState, total=False):
    limit: int


_ticker = StateGraph(TickLimitState)
_ticker.add_node("tick", tick)
_ticker.add_edge(START, "tick")
_ticker.add_conditional_edges("tick", more, ["tick", END])
ticker = _ticker


class AskState(TypedDict, total=False):
    question: str
    answer: str


def ask(state: AskState) -> dict:
    answer = interrupt({"question": state.get("question", "ok?")})
    return {"answer": answer}


_asker = StateGraph(AskState)
_asker.add_node("ask", ask)
_asker.add_edge(START, "ask")
_asker.add_edge("ask", END)
asker = _asker


class PairState(TypedDict, total=False):
    prompts: list
    answers: Annotated[list, operator.add]


def ask_one(state: PairState) -> dict:
    return {"answers": [interrupt(state["prompts"][0])]}


# two questions asked at once (Send): each answered on its own, by interrupt id
_pair = StateGraph(PairState)
_pair.add_node("ask_one", ask_one)
_pair.add_conditional_edges(
    START, lambda s: [Send("ask_one", {"prompts": [p]}) for p in s["prompts"]], ["ask_one"]
)
pair = _pair


class FanState(TypedDict, total=False):
    item: str
    done: Annotated[list, operator.add]


def plan(state: FanState) -> dict:
    return {"done": ["plan"]}


def no_work(state: FanState) -> str:
    # Work is only ever sent (Command goto with Send objects), never routed to.
    return END


def work(state: FanState) -> dict:
    return {"done": [f"work:{state.get('item')}"]}


_fanout = StateGraph(FanState)
_fanout.add_node("plan", plan)
_fanout.add_node("work", work)
_fanout.add_edge(START, "plan")
_fanout.add_conditional_edges("plan", no_work, ["work", END])
_fanout.add_edge("work", END)
fanout = _fanout


class GreetState(TypedDict, total=False):
    greeting: str


def greet(state: GreetState, runtime: Runtime) -> dict:
    context = runtime.context or {}
    return {"greeting": f"hello {context.get('user', 'nobody')} in {context.get('lang', '?')}"}


_greeter = StateGraph(GreetState)
_greeter.add_node("greet", greet)
_greeter.add_edge(START, "greet")
_greeter.add_edge("greet", END)
greeter = _greeter


class NestState(TypedDict, total=False):
    log: Annotated[list, operator.add]


def _inner_ask(state: NestState) -> dict:
    return {"log": [f"answer:{interrupt('inner asks')}"]}


_inner = StateGraph(NestState)
_inner.add_node("prepare", lambda s: {"log": ["prepared"]})
_inner.add_node("ask", _inner_ask)
_inner.add_edge(START, "prepare")
_inner.add_edge("prepare", "ask")

_nested = StateGraph(NestState)
_nested.add_node("inner", _inner.compile())  # a subgraph whose interrupt pauses the parent
_nested.add_node("after", lambda s: {"log": ["after"]})
_nested.add_edge(START, "inner")
_nested.add_edge("inner", "after")
nested = _nested
