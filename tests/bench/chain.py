"""Chains: (a) 100 nodes incrementing a counter; (d) 50 nodes over a 200-key state."""

from __future__ import annotations

from typing import Any, TypedDict

from tests.bench.engines import Engine
from tests.bench.harness import Workload

CHAIN_NODES = 100
WIDE_NODES = 50
WIDE_KEYS = 200
WIDE_KEYS_PER_NODE = 5


# --- (a) a 100-node chain, no checkpointer ----------------------------------------------


class Counter(TypedDict):
    counter: int


def _increment(state: Counter) -> dict[str, int]:
    return {"counter": state["counter"] + 1}


def build_chain(e: Engine, saver: Any) -> Any:
    g = e.StateGraph(Counter)
    names = [f"n{i}" for i in range(CHAIN_NODES)]
    for name in names:
        g.add_node(name, _increment)
    g.add_edge(e.START, names[0])
    for a, b in zip(names, names[1:], strict=False):
        g.add_edge(a, b)
    g.add_edge(names[-1], e.END)
    return g.compile(checkpointer=saver)


def check_chain(e: Engine, state: Any) -> None:
    assert state == {"counter": CHAIN_NODES}, f"chain ended with {state!r}"


CHAIN = Workload(
    name="chain100",
    description=f"{CHAIN_NODES}-node chain, counter += 1 per node, no checkpointer",
    build=build_chain,
    make_input=lambda: {"counter": 0},
    check=check_chain,
    checkpointer=False,
    recursion_limit=CHAIN_NODES + 10,
)


# --- (d) a 50-node chain over a 200-key state, with a checkpointer ----------------------

WIDE_FIELDS = [f"k{i:03d}" for i in range(WIDE_KEYS)]
Wide = TypedDict("Wide", {k: int for k in WIDE_FIELDS})  # type: ignore[misc]


def _wide_keys(i: int) -> list[str]:
    return [WIDE_FIELDS[(i * WIDE_KEYS_PER_NODE + j) % WIDE_KEYS] for j in range(5)]


def _wide_node(i: int) -> Any:
    keys = _wide_keys(i)

    def node(state: dict[str, int]) -> dict[str, int]:
        return {k: state[k] + i + 1 for k in keys}

    node.__name__ = f"w{i}"
    return node


def _wide_expected() -> dict[str, int]:
    state = dict.fromkeys(WIDE_FIELDS, 0)
    for i in range(WIDE_NODES):
        state.update(_wide_node(i)(state))
    return state


WIDE_EXPECTED = _wide_expected()


def build_wide(e: Engine, saver: Any) -> Any:
    g = e.StateGraph(Wide)
    names = [f"w{i}" for i in range(WIDE_NODES)]
    for i, name in enumerate(names):
        g.add_node(name, _wide_node(i))
    g.add_edge(e.START, names[0])
    for a, b in zip(names, names[1:], strict=False):
        g.add_edge(a, b)
    g.add_edge(names[-1], e.END)
    return g.compile(checkpointer=saver)


def check_wide(e: Engine, state: Any) -> None:
    assert dict(state) == WIDE_EXPECTED, "wide-state chain ended with the wrong values"


WIDE = Workload(
    name="wide50",
    description=(
        f"{WIDE_NODES}-node chain over a {WIDE_KEYS}-key TypedDict, "
        f"{WIDE_KEYS_PER_NODE} keys updated per node, checkpointer"
    ),
    build=build_wide,
    make_input=lambda: dict.fromkeys(WIDE_FIELDS, 0),
    check=check_wide,
    checkpointer=True,
    recursion_limit=WIDE_NODES + 10,
)
