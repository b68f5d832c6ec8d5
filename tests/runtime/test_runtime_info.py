"""Runtime: what a node learns about its run (context, execution info, server info)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypedDict

import pydantic
import pytest

from runtime import END, START, RetryPolicy, StateGraph
from runtime.checkpoint import InMemoryCheckpointer
from runtime.runtime import (
    DEFAULT_RUNTIME,
    ExecutionInfo,
    Runtime,
    ServerInfo,
    get_runtime,
)


class S(TypedDict, total=False):
    msg: str


@dataclasses.dataclass
class Ctx:
    api_key: str
    timeout: int = 30


class PCtx(pydantic.BaseModel):
    api_key: str
    timeout: int = 30


def _one_node(fn: Any, **kwargs: Any) -> Any:
    return StateGraph(S, **kwargs).add_node("n", fn).add_edge(START, "n").add_edge("n", END)


def test_get_runtime_inside_a_node_sees_the_context():
    def n(state: S) -> dict[str, str]:
        return {"msg": get_runtime(Ctx).context.api_key}

    out = _one_node(n, context_schema=Ctx).compile().invoke({}, context=Ctx("k1"))
    assert out == {"msg": "k1"}


def test_get_runtime_outside_a_node_says_where_it_may_be_called():
    with pytest.raises(RuntimeError, match="inside a node"):
        get_runtime()


@pytest.mark.parametrize("schema", [Ctx, PCtx])
def test_dict_context_is_coerced_to_the_context_schema(schema: Any):
    def n(state: S, runtime: Runtime[Any]) -> dict[str, str]:
        c = runtime.context
        return {"msg": f"{type(c).__name__}:{c.api_key}:{c.timeout}"}

    graph = _one_node(n, context_schema=schema).compile()
    assert graph.invoke({}, context={"api_key": "a"}) == {"msg": f"{schema.__name__}:a:30"}
    assert graph.invoke({}, context={"api_key": "b", "timeout": 5}) == {
        "msg": f"{schema.__name__}:b:5"
    }


def test_bad_context_is_refused_before_any_node_runs():
    ran: list[str] = []

    def n(state: S) -> None:
        ran.append("n")

    dc = _one_node(n, context_schema=Ctx).compile()
    with pytest.raises(TypeError):
        dc.invoke({}, context={"timeout": 1})  # api_key missing
    with pytest.raises(TypeError):
        dc.invoke({}, context={"api_key": "x", "nope": 1})
    pd = _one_node(n, context_schema=PCtx).compile()
    with pytest.raises(pydantic.ValidationError):
        pd.invoke({}, context={"api_key": "x", "timeout": "not a number"})
    assert ran == []


def test_typeddict_context_stays_a_dict():
    class TCtx(TypedDict):
        api_key: str

    def n(state: S, runtime: Runtime[TCtx]) -> dict[str, str]:
        return {"msg": runtime.context["api_key"]}

    out = _one_node(n, context_schema=TCtx).compile().invoke({}, context={"api_key": "t"})
    assert out == {"msg": "t"}


def test_execution_info_names_thread_task_namespace_and_attempts():
    seen: list[ExecutionInfo] = []

    def n(state: S, runtime: Runtime[Any]) -> dict[str, str]:
        info = runtime.execution_info
        assert info is not None
        seen.append(info)
        if info.node_attempt < 3:
            raise ConnectionError("flaky")
        return {"msg": "ok"}

    policy = RetryPolicy(initial_interval=0.0, jitter=False, max_attempts=3)
    graph = (
        StateGraph(S)
        .add_node("n", n, retry_policy=policy)
        .add_edge(START, "n")
        .compile(checkpointer=InMemoryCheckpointer())
    )
    graph.invoke({}, {"configurable": {"thread_id": "t1"}, "run_id": "r1"})
    assert [i.node_attempt for i in seen] == [1, 2, 3]
    assert {i.node_first_attempt_time for i in seen} == {seen[0].node_first_attempt_time}
    assert isinstance(seen[0].node_first_attempt_time, float)
    info = seen[-1]
    assert (info.thread_id, info.run_id) == ("t1", "r1")
    assert info.checkpoint_ns == f"n:{info.task_id}"
    last = graph.get_state({"configurable": {"thread_id": "t1"}})
    assert info.checkpoint_id == last.parent_config["configurable"]["checkpoint_id"]


def test_execution_info_of_a_subgraph_node_is_nested_under_its_parent_task():
    seen: dict[str, ExecutionInfo] = {}

    def inner(state: S, runtime: Runtime[Any]) -> None:
        assert runtime.execution_info is not None
        seen["inner"] = runtime.execution_info

    sub = StateGraph(S).add_node("inner", inner).add_edge(START, "inner").compile()
    graph = StateGraph(S).add_node("sub", sub).add_edge(START, "sub").compile()
    graph.invoke({})
    ns = seen["inner"].checkpoint_ns
    assert ns.startswith("sub:") and f"|inner:{seen['inner'].task_id}" in ns
    assert seen["inner"].thread_id is None  # no checkpointer, no thread


def test_server_info_comes_from_the_configurable_assistant_and_graph():
    seen: list[ServerInfo | None] = []

    def n(state: S, runtime: Runtime[Any]) -> None:
        seen.append(runtime.server_info)

    graph = _one_node(n).compile()
    graph.invoke({})
    user = {"identity": "ann"}
    conf = {"assistant_id": "a1", "graph_id": "g1", "langgraph_auth_user": user}
    graph.invoke({}, {"configurable": conf})
    assert seen == [None, ServerInfo("a1", "g1", user)]


def test_runtime_merge_override_and_patch():
    base = Runtime(context=Ctx("a"), execution_info=ExecutionInfo("c", "", "t"))
    assert base.merge(Runtime(context=Ctx("b"))).context == Ctx("b")
    assert base.merge(Runtime()).context == Ctx("a")
    assert base.merge(Runtime()).execution_info is base.execution_info
    assert base.override(context=None).context is None
    patched = base.patch_execution_info(node_attempt=2)
    assert patched.execution_info is not None and patched.execution_info.node_attempt == 2
    with pytest.raises(RuntimeError):
        DEFAULT_RUNTIME.patch_execution_info(node_attempt=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.execution_info.task_id = "x"  # type: ignore[misc,union-attr]
