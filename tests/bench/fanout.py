"""(b) Fan-out: one node sends 500 packets to a worker, a join node sums the results."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from tests.bench.engines import Engine
from tests.bench.harness import Workload

FANOUT = 500


class FanState(TypedDict):
    n: int
    results: Annotated[list, operator.add]
    total: int


def _split(state: FanState) -> None:
    return None


def _work(packet: dict[str, int]) -> dict[str, list[int]]:
    return {"results": [packet["i"] * 2]}


def _join(state: FanState) -> dict[str, int]:
    return {"total": sum(state["results"])}


def build_fanout(e: Engine, saver: Any) -> Any:
    send = e.Send

    def scatter(state: FanState) -> list[Any]:
        return [send("work", {"i": i}) for i in range(state["n"])]

    g = e.StateGraph(FanState)
    g.add_node("split", _split)
    g.add_node("work", _work)
    g.add_node("join", _join)
    g.add_edge(e.START, "split")
    g.add_conditional_edges("split", scatter)
    g.add_edge("work", "join")
    g.add_edge("join", e.END)
    return g.compile(checkpointer=saver)


EXPECTED_RESULTS = [i * 2 for i in range(FANOUT)]


def check_fanout(e: Engine, state: Any) -> None:
    results = state.get("results")
    assert isinstance(results, list) and len(results) == FANOUT, (
        f"expected {FANOUT} results, got {len(results or [])}"
    )
    assert sorted(results) == EXPECTED_RESULTS, "fan-out results are wrong"
    assert state.get("total") == sum(EXPECTED_RESULTS), f"join total is {state.get('total')!r}"


FANOUT_WORKLOAD = Workload(
    name="fanout500",
    description=f"{FANOUT} Sends to a worker appending to an operator.add list, then a join",
    build=build_fanout,
    make_input=lambda: {"n": FANOUT, "results": []},
    check=check_fanout,
    checkpointer=False,
)
