"""State classes: pydantic models and dataclasses as state, validated and coerced as LangGraph."""

from __future__ import annotations

import dataclasses
import operator
import uuid
from typing import Annotated, Any, NotRequired, TypedDict

import pydantic
import pytest

from runtime import START, Command, StateGraph
from runtime.errors import GraphValidationError


class Inner(pydantic.BaseModel):
    a: int = 0


class Model(pydantic.BaseModel):
    name: str
    id: uuid.UUID | None = None
    inner: Inner = Inner()
    log: Annotated[list[str], operator.add] = []

    @pydantic.field_validator("name")
    @classmethod
    def capitalised(cls, value: str) -> str:
        if not value[:1].isupper():
            raise ValueError("name must start with a capital letter")
        return value if value.startswith("Dr ") else f"Dr {value}"


def test_pydantic_state_is_validated_and_coerced_on_the_way_into_each_node():
    seen: list[Model] = []

    def node(state: Model) -> dict[str, Any]:
        seen.append(state)
        return {"log": [state.name]}

    graph = StateGraph(Model).add_node("n", node).add_edge(START, "n").compile()
    key = uuid.uuid4()
    out = graph.invoke({"name": "Who", "id": str(key), "inner": {"a": 2}})
    state = seen[0]
    assert isinstance(state, Model) and state.name == "Dr Who"
    assert state.id == key and state.inner == Inner(a=2)  # str -> UUID, dict -> model
    assert out["log"] == ["Dr Who"]
    with pytest.raises(pydantic.ValidationError, match="capital letter"):
        graph.invoke({"name": "who"})


class Partial(pydantic.BaseModel):
    name: str | None = None
    log: list[str] | None = None


def test_a_model_update_writes_only_the_fields_it_says_something_about():
    def returns_model(state: Model) -> Partial:
        return Partial(log=["partial"])  # name stays unset: not written

    def command_with_state(state: Model) -> Command[Any]:
        state.inner.a = 5  # mutate and hand the state back, as LangGraph allows
        return Command(update=state)

    graph = (
        StateGraph(Model)
        .add_node("partial", returns_model)
        .add_node("cmd", command_with_state)
        .add_edge(START, "partial")
        .add_edge("partial", "cmd")
        .compile()
    )
    out = graph.invoke({"name": "Jo"})
    assert out["name"] == "Dr Jo" and out["inner"] == Inner(a=5)
    # cmd's update carries log (already ["partial"]) again through the reducer
    assert out["log"] == ["partial", "partial"]


@dataclasses.dataclass
class DC:
    count: int
    note: str | None = None


def test_dataclass_state_and_command_update_with_a_dataclass():
    def bump(state: DC) -> Command[Any]:
        assert isinstance(state, DC)
        return Command(update=DC(count=state.count + 1))

    graph = StateGraph(DC).add_node("bump", bump).add_edge(START, "bump").compile()
    # a dataclass field left at None is still written (only pydantic skips unset Nones)
    assert graph.invoke(DC(count=1, note="x")) == {"count": 2, "note": None}


def one_arg(a: str) -> str:
    return a


def test_a_reducer_must_take_two_arguments():
    class Bad(TypedDict):
        hello: Annotated[str, one_arg]

    with pytest.raises(GraphValidationError, match="Invalid reducer"):
        StateGraph(Bad)


def test_reducers_under_not_required_still_apply():
    class Opt(TypedDict):
        log: NotRequired[Annotated[list[str], operator.add]]

    graph = StateGraph(Opt).add_node("n", lambda s: {"log": ["n"]}).add_edge(START, "n")
    assert graph.compile().invoke({"log": ["in"]}) == {"log": ["in", "n"]}


def test_compile_refuses_an_object_that_is_not_a_checkpointer():
    builder = StateGraph(DC).add_node("n", lambda s: None).add_edge(START, "n")
    with pytest.raises(TypeError, match="Invalid checkpointer"):
        builder.compile(checkpointer=object())
