"""The Runnable surface of a compiled graph: with_config, copy, batch, JSON schemas, events."""

from __future__ import annotations

import asyncio
import dataclasses
import operator
from typing import Annotated, TypedDict

import pytest

from runtime import START, StateGraph
from runtime.pregel.runnable import merge_configs


class S(TypedDict):
    x: int
    log: Annotated[list, operator.add]


class Question(TypedDict):
    question: str


@dataclasses.dataclass
class Ctx:
    user: str
    tone: str = "dry"


def _app(**compile_kwargs):
    def double(state: S, config) -> dict:
        tag = config.get("metadata", {}).get("who", "-")
        return {"x": state["x"] * 2, "log": [tag]}

    g = StateGraph(S, context_schema=Ctx)
    g.add_node("double", double)
    g.add_edge(START, "double")
    return g.compile(**compile_kwargs)


def test_merge_configs_merges_metadata_and_configurable_and_adds_tags():
    merged = merge_configs(
        {"tags": ["a"], "metadata": {"k": 1}, "configurable": {"thread_id": "t"}},
        {"tags": ["b", "a"], "metadata": {"j": 2}, "recursion_limit": 5},
    )
    assert merged == {
        "tags": ["a", "b"],
        "metadata": {"k": 1, "j": 2},
        "configurable": {"thread_id": "t"},
        "recursion_limit": 5,
    }


def test_with_config_binds_config_for_every_run_and_leaves_the_original_alone():
    app = _app()
    bound = app.with_config({"metadata": {"who": "bound"}})
    assert bound.invoke({"x": 1, "log": []})["log"] == ["bound"]
    assert app.invoke({"x": 1, "log": []})["log"] == ["-"]
    assert bound.with_config(metadata={"who": "later"}).invoke({"x": 1})["log"] == ["later"]


def test_copy_replaces_attributes_and_refuses_unknown_ones():
    app = _app()
    assert app.copy({"name": "other"}).name == "other" and app.name == "LangGraph"
    assert app.nodes["double"].copy({"metadata": {"m": 1}}).metadata == {"m": 1}
    with pytest.raises(AttributeError, match="no_such"):
        app.copy({"no_such": 1})


def test_batch_and_abatch_run_each_input():
    app = _app()
    inputs = [{"x": i, "log": []} for i in (1, 2, 3)]
    assert [o["x"] for o in app.batch(inputs)] == [2, 4, 6]
    assert [o["x"] for o in asyncio.run(app.abatch(inputs, {"max_concurrency": 1}))] == [2, 4, 6]
    with pytest.raises(ValueError, match="2 configs for 3 inputs"):
        app.batch(inputs, [{}, {}])
    failing = app.batch([{"x": 1}, "not a dict"], return_exceptions=True)
    assert failing[0]["x"] == 2 and isinstance(failing[1], Exception)


def test_json_schemas_of_input_output_and_context():
    g = StateGraph(S, input_schema=Question, context_schema=Ctx)
    g.add_node("n", lambda s: {})
    g.add_edge(START, "n")
    app = g.compile()
    assert app.get_input_jsonschema()["properties"] == {
        "question": {"title": "Question", "type": "string"}
    }
    assert set(app.get_output_jsonschema()["properties"]) == {"x", "log"}
    assert app.get_context_jsonschema()["required"] == ["user"]
    assert _plain().get_context_jsonschema() is None
    root = StateGraph(Annotated[list, operator.add])
    root.add_node("n", lambda s: [1])
    root.add_edge(START, "n")
    assert root.compile().get_input_jsonschema()["title"] == "LangGraphInput"


def _plain():
    g = StateGraph(S)
    g.add_node("n", lambda s: {})
    g.add_edge(START, "n")
    return g.compile()


def test_astream_events_reports_the_graph_and_its_nodes():
    app = _app()

    async def collect(version="v2", **kwargs):
        return [
            e
            async for e in app.astream_events(
                {"x": 1, "log": []}, {"run_id": "r1"}, version=version, **kwargs
            )
        ]

    events = asyncio.run(collect())
    kinds = [(e["event"], e["name"]) for e in events]
    assert kinds[0] == ("on_chain_start", "LangGraph") and kinds[-1] == (
        "on_chain_end",
        "LangGraph",
    )
    assert ("on_chain_start", "double") in kinds and ("on_chain_end", "double") in kinds
    assert events[-1]["run_id"] == "r1"
    assert events[-1]["data"] == {"output": {"x": 2, "log": ["-"]}}
    node_end = next(e for e in events if e["event"] == "on_chain_end" and e["name"] == "double")
    assert node_end["parent_ids"] == ["r1"] and node_end["data"]["output"] == {"x": 2, "log": ["-"]}
    only_graph = asyncio.run(collect(include_names=["LangGraph"], stream_mode="updates"))
    assert {e["name"] for e in only_graph} == {"LangGraph"}
    streamed = [e["data"]["chunk"] for e in only_graph if e["event"] == "on_chain_stream"]
    assert streamed == [{"double": {"x": 2, "log": ["-"]}}]
    with pytest.raises(ValueError, match='version="v2"'):
        asyncio.run(collect(version="v1"))


@dataclasses.dataclass
class Form:
    name: str
    nickname: str | None
    age: int = 0
    tags: list = dataclasses.field(default_factory=list)


def test_dataclass_json_schema_requires_only_fields_without_default_or_none():
    g = StateGraph(Form)
    g.add_node("n", lambda s: {})
    g.add_edge(START, "n")
    schema = g.compile().get_input_jsonschema()
    assert schema["title"] == "LangGraphInput" and schema["required"] == ["name"]
    assert set(schema["properties"]) == {"name", "nickname", "age", "tags"}


def test_builder_channels_include_keys_of_every_schema():
    g = StateGraph(S, input_schema=Question)
    g.add_node("n", lambda s: {})
    g.add_edge(START, "n")
    assert set(g.channels) == {"x", "log", "question"}


def test_tasks_stream_triggers_are_a_tuple_as_in_langgraph():
    app = _app()
    started = [c for m, c in app.stream({"x": 1, "log": []}, stream_mode=["tasks"]) if "input" in c]
    assert started[0]["triggers"] == ("branch:to:double",)
