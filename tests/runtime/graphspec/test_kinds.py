"""Node kinds other than llm: each kind's function on its own and inside a compiled graph."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from runtime.graphspec import Registry, catalog, compile_spec, default_tools, validate_spec
from runtime.graphspec.kinds import KINDS
from runtime.graphspec.kinds.base import BuildContext
from runtime.graphspec.kinds.http import HttpNodeError, host_allowed
from runtime.graphspec.kinds.human import answer_problems
from runtime.graphspec.kinds.subgraph import SubgraphError
from runtime.graphspec.schema import check_schema
from runtime.graphspec.state import defaults_of
from runtime.messages import as_role_dict
from runtime.providers.tools import calculator, fake_search

FIELDS = [
    {"name": "messages", "type": "messages", "reducer": "messages"},
    {"name": "text", "type": "string", "default": ""},
    {"name": "n", "type": "integer", "default": 1},
    {"name": "result", "type": "any"},
    {"name": "route", "type": "string"},
    {"name": "decision", "type": "string"},
    {"name": "answer", "type": "object"},
]


def one_node(
    kind: str, config: dict[str, Any], fields: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "spec_version": 1,
        "state": {"fields": fields or FIELDS},
        "nodes": [{"id": "x", "kind": kind, "config": config}],
        "edges": [
            {"id": "e1", "source": "__start__", "target": "x"},
            {"id": "e2", "source": "x", "target": "__end__"},
        ],
    }


def build(kind: str, config: dict[str, Any], registry: Registry | None = None, loader: Any = None):
    fields = {f["name"]: f for f in FIELDS}
    ctx = BuildContext(
        "x", fields, defaults_of(FIELDS), registry or Registry(use_entry_points=False), loader
    )
    return KINDS[kind].build(config, ctx)


# -- catalog --------------------------------------------------------------------------


def test_catalog_lists_every_kind_with_a_valid_config_schema():
    entries = catalog()
    assert [e["kind"] for e in entries] == [
        "llm",
        "tools",
        "router",
        "human",
        "transform",
        "http",
        "python",
        "subgraph",
    ]
    for entry in entries:
        assert entry["title"] and entry["description"]
        assert check_schema(entry["config_schema"]) is None
        assert entry["config_schema"]["type"] == "object"
        assert set(entry["ui_schema"]) <= set(entry["config_schema"]["properties"])
        json.dumps(entry)  # served as JSON by the API


def test_llm_schema_defaults_to_fake_provider():
    schema = KINDS["llm"].config_schema
    assert schema["properties"]["provider"]["default"] == "fake"
    assert "not a real model" in schema["properties"]["provider"]["description"]


# -- tools ------------------------------------------------------------------------------


def test_tools_node_runs_calls_and_turns_errors_into_messages():
    tools = default_tools()
    tools.register("boom", lambda: 1 / 0, description="fails")
    fn = build("tools", {}, Registry(tools=tools, use_entry_points=False))
    state = {
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"id": "1", "name": "calculator", "args": {"expression": "2 ** 8"}},
                    {"id": "2", "name": "boom", "args": {}},
                    {"id": "3", "name": "missing", "args": {}},
                    {"id": "4", "name": "search", "args": '{"query": "paris"}'},
                    {"id": "5", "name": "calculator", "args": "{not json"},
                    {"id": "6", "name": "calculator", "args": {"wrong": 1}},
                ],
            },
        ]
    }
    out = [as_role_dict(m) for m in asyncio.run(fn(state))["messages"]]
    assert [m["tool_call_id"] for m in out] == ["1", "2", "3", "4", "5", "6"]
    assert out[0]["content"] == "256" and out[0]["role"] == "tool"
    assert out[1]["content"].startswith("Error: ZeroDivisionError")
    assert "no tool named 'missing'" in out[2]["content"]
    assert "Paris" in out[3]["content"]
    assert "not valid JSON" in out[4]["content"]
    assert out[5]["content"].startswith("Error: TypeError")


def test_tools_node_respects_its_allow_list_and_ignores_non_ai_last_message():
    fn = build("tools", {"tools": ["search"]})
    call = {"role": "assistant", "tool_calls": [{"id": "1", "name": "calculator", "args": {}}]}
    assert "no tool named" in asyncio.run(fn({"messages": [call]}))["messages"][0].content
    assert asyncio.run(fn({"messages": [call, {"role": "user", "content": "x"}]})) == {}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("2 * (3 + 4)", "14"), ("10 / 4", "2.5"), ("-3 ** 2", "-9"), ("7 // 2 + 7 % 2", "4")],
)
def test_calculator(expression, expected):
    assert calculator(expression) == expected


@pytest.mark.parametrize(
    "expression", ["__import__('os')", "(1).real", "[1]", "2 ** 1000", "a", "1 +", "x" * 300]
)
def test_calculator_refuses_anything_but_arithmetic(expression):
    with pytest.raises(ValueError):
        calculator(expression)


def test_fake_search():
    assert fake_search("tell me about Python")[0]["title"] == "Python"
    assert fake_search("zzz")[0]["title"] == "No results"


# -- transform and router ------------------------------------------------------------------


def test_transform_reads_state_as_it_was():
    fn = build(
        "transform",
        {
            "set": [
                {"field": "n", "expression": "state.n + 1"},
                {"field": "text", "template": "n was {{ state.n }}"},
                {"field": "result", "value": [1, 2]},
            ]
        },
    )
    assert fn({"n": 5}) == {"n": 6, "text": "n was 5", "result": [1, 2]}


def test_transform_config_needs_exactly_one_value_source():
    spec = one_node("transform", {"set": [{"field": "n", "expression": "1", "value": 2}]})
    assert any(p.pointer == "/nodes/0/config/set/0" for p in validate_spec(spec))


def test_router_records_the_branch_taken_and_routes():
    spec = one_node("router", {"record_field": "route"})
    spec["edges"] = [{"id": "e1", "source": "__start__", "target": "x"}]
    spec["nodes"] += [
        {"id": "big", "kind": "transform", "config": {"set": [{"field": "text", "value": "big"}]}},
        {
            "id": "small",
            "kind": "transform",
            "config": {"set": [{"field": "text", "value": "small"}]},
        },
    ]
    spec["edges"] += [
        {"id": "e2", "source": "big", "target": "__end__"},
        {"id": "e3", "source": "small", "target": "__end__"},
    ]
    spec["routes"] = [
        {
            "id": "r",
            "source": "x",
            "branches": [{"label": "large", "when": "state.n > 10", "target": "big"}],
            "default": "small",
        }
    ]
    graph = compile_spec(spec)
    out = graph.invoke({"n": 50})
    assert (out["route"], out["text"]) == ("large", "big")
    assert graph.invoke({"n": 5})["route"] == "default"
    assert graph.invoke({"n": 5})["text"] == "small"


# -- human ---------------------------------------------------------------------------------


def test_human_answer_validation():
    assert answer_problems({}, {"decision": "approve"}) == []
    assert answer_problems({}, "reject") == []
    assert answer_problems({}, {"decision": "perhaps"})
    assert answer_problems({}, {"comment": "no decision"})
    form = {"type": "object", "properties": {"score": {"type": "integer", "maximum": 5}}}
    assert answer_problems({"form_schema": form}, {"score": 9})
    assert answer_problems({"form_schema": form}, {"score": 3}) == []


def test_human_node_in_graph_writes_decision_response_and_edits():
    from runtime import Command
    from runtime.checkpoint.memory import InMemoryCheckpointer

    config = {
        "title": "Check {{ state.text }}",
        "show_fields": ["text"],
        "editable_fields": ["text"],
        "response_field": "answer",
        "form_schema": {
            "type": "object",
            "required": ["decision"],
            "properties": {
                "decision": {"enum": ["approve", "reject"]},
                "text": {"type": "string"},
            },
        },
    }
    graph = compile_spec(one_node("human", config), checkpointer=InMemoryCheckpointer())
    thread = {"configurable": {"thread_id": "h1"}}
    paused = graph.invoke({"text": "draft"}, thread)
    request = paused["__interrupt__"][0].value
    assert request["title"] == "Check draft" and request["fields"] == {"text": "draft"}
    assert request["node"] == "x" and request["form_schema"]["required"] == ["decision"]
    out = graph.invoke(Command(resume={"decision": "approve", "text": "final"}), thread)
    assert out["decision"] == "approve" and out["text"] == "final"
    assert out["answer"] == {"decision": "approve", "text": "final"}


# -- python ----------------------------------------------------------------------------------


def test_python_node_calls_registered_function_with_args():
    seen = {}

    def score(state, bonus):
        seen["state"] = state
        return {"n": state["n"] * 10 + bonus}

    fn = build(
        "python",
        {"function": "score", "args": {"bonus": "state.n + 1"}},
        Registry(functions={"score": score}, use_entry_points=False),
    )
    assert fn({"n": 2}) == {"n": 23}
    assert seen["state"]["text"] == ""  # defaults are filled in


def test_python_node_output_field_and_bad_returns():
    reg = Registry(
        functions={"five": lambda s: 5, "bad": lambda s: {"nope": 1}}, use_entry_points=False
    )
    assert build("python", {"function": "five", "output_field": "result"}, reg)({}) == {"result": 5}
    with pytest.raises(TypeError, match="dict of state updates"):
        build("python", {"function": "five"}, reg)({})
    with pytest.raises(KeyError, match="nope"):
        build("python", {"function": "bad"}, reg)({})


def test_python_functions_from_entry_points(monkeypatch):
    class EntryPoint:
        name = "from_plugin"

        def load(self):
            return lambda state: {"text": "plugin"}

    import runtime.graphspec.registry as registry_module

    monkeypatch.setattr(registry_module, "entry_points", lambda group: [EntryPoint()])
    reg = Registry()
    assert reg.has_function("from_plugin")
    spec = one_node("python", {"function": "from_plugin"})
    assert validate_spec(spec, registry=reg) == []
    assert compile_spec(spec, registry=reg).invoke({})["text"] == "plugin"


# -- http ------------------------------------------------------------------------------------


class _Echo(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if self.path.startswith("/fail"):
            self.send_response(500)
            self.end_headers()
            return
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/")
            self.end_headers()
            return
        payload = json.dumps(
            {
                "path": self.path,
                "method": self.command,
                "body": body,
                "x": self.headers.get("X-Token"),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _reply


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_node_templated_request(echo_server):
    reg = Registry(http_allowed_hosts=["127.0.0.1"], use_entry_points=False)
    fn = build(
        "http",
        {
            "method": "POST",
            "url": echo_server + "/items/{{ state.n }}",
            "headers": {"X-Token": "t-{{ state.text }}"},
            "body": '{"n": {{ state.n }}}',
            "json_body": True,
            "output_field": "result",
        },
        reg,
    )
    out = fn({"n": 7, "text": "abc"})["result"]
    assert out["status"] == 200
    assert out["body"] == {"path": "/items/7", "method": "POST", "body": '{"n":7}', "x": "t-abc"}


def test_http_node_refuses_hosts_off_the_allow_list(echo_server):
    fn = build("http", {"url": echo_server + "/", "output_field": "result"})
    with pytest.raises(HttpNodeError, match="allow-list"):
        fn({})
    fn = build(
        "http",
        {"url": "file:///etc/passwd", "output_field": "result"},
        Registry(http_allowed_hosts=["127.0.0.1"], use_entry_points=False),
    )
    with pytest.raises(HttpNodeError, match="only http and https"):
        fn({})


def test_http_node_does_not_follow_redirects_and_reports_errors(echo_server):
    reg = Registry(http_allowed_hosts=["127.0.0.1"], use_entry_points=False)
    out = build("http", {"url": echo_server + "/redirect", "output_field": "result"}, reg)({})
    assert out["result"]["status"] == 302
    fn = build("http", {"url": echo_server + "/fail", "retries": 1, "output_field": "result"}, reg)
    with pytest.raises(HttpNodeError, match="500"):
        fn({})
    out = build(
        "http",
        {"url": echo_server + "/fail", "fail_on_error": False, "output_field": "result"},
        reg,
    )({})
    assert out["result"]["status"] == 500


def test_host_allow_list_patterns():
    assert host_allowed("api.example.com", ["*.example.com"])
    assert not host_allowed("example.com.evil.net", ["*.example.com"])
    assert not host_allowed("anything", [])


# -- subgraph ----------------------------------------------------------------------------------


def _child_spec() -> dict[str, Any]:
    return one_node(
        "transform",
        {"set": [{"field": "total", "expression": "state.value * 2"}]},
        fields=[{"name": "value", "type": "integer"}, {"name": "total", "type": "integer"}],
    )


def test_subgraph_runs_loaded_spec_with_input_and_output_mapping():
    calls = []

    def loader(graph_id, version):
        calls.append((graph_id, version))
        return _child_spec() if graph_id == "double" else None

    spec = one_node(
        "subgraph",
        {
            "graph_id": "double",
            "version": 2,
            "inputs": {"value": "state.n + 1"},
            "outputs": {"result": "total"},
        },
    )
    graph = compile_spec(spec, loader=loader)
    assert graph.invoke({"n": 4})["result"] == 10
    assert graph.invoke({"n": 1})["result"] == 4
    assert calls == [("double", 2)]  # loaded once, then cached


def test_subgraph_errors_are_clear():
    with pytest.raises(SubgraphError, match="no graph loader"):
        build("subgraph", {"graph_id": "x"})({})
    with pytest.raises(SubgraphError, match="not found"):
        build("subgraph", {"graph_id": "x"}, loader=lambda g, v: None)({})


def test_subgraph_recursion_is_bounded():
    spec = one_node("subgraph", {"graph_id": "self"})

    def loader(graph_id, version):
        return spec

    with pytest.raises(Exception, match="nest deeper"):
        compile_spec(spec, loader=loader).invoke({})


def test_subgraph_interrupts_pause_and_resume_the_parent():
    from runtime import Command
    from runtime.checkpoint.memory import InMemoryCheckpointer

    child = one_node(
        "human",
        {"title": "Approve {{ state.text }}", "decision_field": "decision"},
        fields=[{"name": "text", "type": "string"}, {"name": "decision", "type": "string"}],
    )
    parent = one_node("subgraph", {"graph_id": "review", "outputs": {"decision": "decision"}})
    graph = compile_spec(parent, checkpointer=InMemoryCheckpointer(), loader=lambda g, v: child)
    thread = {"configurable": {"thread_id": "sub-h"}}
    paused = graph.invoke({"text": "the plan"}, thread)
    assert paused["__interrupt__"][0].value["title"] == "Approve the plan"
    out = graph.invoke(Command(resume="approve"), thread)
    assert out["decision"] == "approve"


def _counting_child() -> dict[str, Any]:
    return one_node(
        "transform",
        {"set": [{"field": "count", "expression": "1"}]},
        fields=[{"name": "count", "type": "integer", "reducer": "add"}],
    )


@pytest.mark.parametrize(
    ("persistence", "second_run", "child_namespaces"),
    [
        (None, 1, {"x"}),
        ("inherit", 1, {"x"}),
        ("per_thread", 2, {"x"}),
        ("stateless", 1, set()),
    ],
)
def test_subgraph_persistence_picks_what_the_child_keeps(persistence, second_run, child_namespaces):
    from runtime.checkpoint.memory import InMemoryCheckpointer

    # the child adds 1 to what it kept (per_thread) and the 0 it is given
    config: dict[str, Any] = {
        "graph_id": "counter",
        "inputs": {"count": "0"},
        "outputs": {"count": "count"},
    }
    if persistence is not None:
        config["persistence"] = persistence
    parent = one_node("subgraph", config, fields=[{"name": "count", "type": "integer"}])
    assert validate_spec(parent) == []
    cp = InMemoryCheckpointer()
    graph = compile_spec(parent, checkpointer=cp, loader=lambda g, v: _counting_child())
    thread = {"configurable": {"thread_id": "t"}}
    assert graph.invoke({}, thread)["count"] == 1
    assert graph.invoke({}, thread)["count"] == second_run
    namespaces = {t.config["configurable"]["checkpoint_ns"] for t in cp.list(thread)}
    assert {ns.split(":")[0] for ns in namespaces if ns} == child_namespaces


def test_subgraph_persistence_must_be_a_known_mode():
    spec = one_node("subgraph", {"graph_id": "x", "persistence": "forever"})
    assert validate_spec(spec)
