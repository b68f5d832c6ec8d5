"""compile() takes LangGraph's arguments and refuses what it does not honour."""

from __future__ import annotations

import pytest
from typing_extensions import TypedDict

from runtime import END, START, StateGraph


class State(TypedDict):
    n: int


def _builder() -> StateGraph:
    builder = StateGraph(State)
    builder.add_node("inc", lambda s: {"n": s["n"] + 1})
    builder.add_edge(START, "inc")
    builder.add_edge("inc", END)
    return builder


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="checkpoint_during"):
        _builder().compile(checkpoint_during=False)


def test_stream_transformers_are_refused() -> None:
    with pytest.raises(NotImplementedError, match="stream v3"):
        _builder().compile(transformers=[lambda ns: None])


def test_debug_flag_compiles_the_same_graph() -> None:
    assert _builder().compile(debug=True).invoke({"n": 1}) == {"n": 2}
