"""The llm node: fake provider, OpenAI over real HTTP (SSE), Anthropic message conversion."""

from __future__ import annotations

from typing import Any

import pytest

from runtime.graphspec import Registry, compile_spec
from runtime.graphspec.kinds.llm import parse_structured
from runtime.messages import as_role_dict
from runtime.providers import ChatRequest, ProviderError, get_provider
from runtime.providers.anthropic_chat import to_anthropic
from runtime.providers.openai_chat import to_openai_messages
from tests.runtime.graphspec.fake_openai import FakeOpenAI


def llm_spec(config: dict[str, Any], *, with_tools: bool = False) -> dict[str, Any]:
    nodes = [{"id": "agent", "kind": "llm", "config": config}]
    edges = [{"id": "e1", "source": "__start__", "target": "agent"}]
    routes = []
    if with_tools:
        nodes.append({"id": "act", "kind": "tools", "config": {}})
        edges.append({"id": "e2", "source": "act", "target": "agent"})
        routes.append(
            {
                "id": "r1",
                "source": "agent",
                "branches": [{"when": "(state.messages | last).tool_calls", "target": "act"}],
                "default": "__end__",
            }
        )
    else:
        edges.append({"id": "e2", "source": "agent", "target": "__end__"})
    return {
        "spec_version": 1,
        "state": {
            "fields": [
                {"name": "messages", "type": "messages", "reducer": "messages"},
                {"name": "topic", "type": "string", "default": "cats"},
                {"name": "answer", "type": "any"},
            ]
        },
        "nodes": nodes,
        "edges": edges,
        "routes": routes,
    }


def user(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def test_fake_without_script_echoes_and_says_it_is_fake():
    out = compile_spec(llm_spec({})).invoke(user("hello"))
    assert out["messages"][-1].content == "(fake model) You said: hello"
    assert out["messages"][-1].response_metadata == {"provider": "fake", "model": "fake-1"}


def test_fake_script_templates_and_tokens_stream_on_messages_mode():
    spec = llm_spec({"fake_replies": [{"content": "All about {{ state.topic }} today"}]})
    chunks = list(compile_spec(spec).stream(user("hi"), stream_mode="messages"))
    texts = [c.content for c, _meta in chunks]
    assert "".join(texts) == "All about cats today" and len(texts) == 4
    chunk, meta = chunks[0]
    assert chunk.type == "AIMessageChunk" and chunk.id.startswith("msg-")
    assert meta["langgraph_node"] == "agent"


def test_fake_streams_at_the_pace_the_host_sets():
    # An injected pause records each wait and how many tokens were out by then: one pause
    # before every token after the first.
    emitted: list[str] = []
    pauses: list[tuple[float, int]] = []
    settings = {"token_seconds": 0.05, "sleep": lambda s: pauses.append((s, len(emitted)))}
    request = ChatRequest(
        model="fake-1", messages=[], settings=settings, script={"content": "All about cats"}
    )
    reply = get_provider("fake")(request, lambda text, _calls: emitted.append(text))
    assert reply.content == "All about cats" and emitted == ["All", " about", " cats"]
    assert pauses == [(0.05, 1), (0.05, 2)]


def test_the_registry_sets_the_fake_models_pace():
    spec = llm_spec({"fake_replies": [{"content": "All about {{ state.topic }} today"}]})
    pauses: list[float] = []
    paced = {"fake": {"token_seconds": 0.05, "sleep": pauses.append}}
    out = compile_spec(spec, registry=Registry(providers=paced)).invoke(user("hi"))
    assert out["messages"][-1].content == "All about cats today" and pauses == [0.05] * 3
    unpaced = {"fake": {"sleep": pauses.append}}  # the default: no pause
    compile_spec(spec, registry=Registry(providers=unpaced)).invoke(user("hi"))
    assert pauses == [0.05] * 3


def test_fake_streamed_chunk_ids_match_final_message():
    graph = compile_spec(llm_spec({"fake_replies": [{"content": "one two"}]}))
    ids = set()
    final = None
    for mode, data in graph.stream(user("x"), stream_mode=["messages", "values"]):
        if mode == "messages":
            ids.add(data[0].id)
        else:
            final = data
    assert ids == {final["messages"][-1].id}


def test_fake_script_with_tool_calls_drives_agent_loop():
    spec = llm_spec(
        {
            "tools": ["calculator"],
            "fake_replies": [
                {"tool_calls": [{"name": "calculator", "args": {"expression": "{{ 2 + 3 }} * 2"}}]},
                {"content": "The answer is {{ (state.messages | last).content }}"},
            ],
        },
        with_tools=True,
    )
    out = compile_spec(spec).invoke(user("compute"))
    assert out["messages"][1].tool_calls[0]["args"] == {"expression": "5 * 2"}
    assert out["messages"][2].content == "10"
    assert out["messages"][-1].content == "The answer is 10"


def test_output_to_plain_field_and_structured_output():
    schema = {
        "type": "object",
        "required": ["score"],
        "properties": {"score": {"type": "integer"}},
    }
    spec = llm_spec({"output_field": "answer", "structured_output": schema})
    assert compile_spec(spec).invoke(user("rate"))["answer"] == {"score": 0}
    spec = llm_spec(
        {
            "output_field": "answer",
            "structured_output": schema,
            "fake_replies": [{"content": '```json\n{"score": 7}\n```'}],
        }
    )
    assert compile_spec(spec).invoke(user("rate"))["answer"] == {"score": 7}


def test_structured_output_mismatch_is_a_clear_error():
    with pytest.raises(ProviderError, match="does not match"):
        parse_structured('{"score": "high"}', {"properties": {"score": {"type": "integer"}}})
    with pytest.raises(ProviderError, match="not JSON"):
        parse_structured("high", {"type": "object"})


def test_openai_end_to_end_over_http_with_tools_and_sse():
    with FakeOpenAI() as server:
        registry = Registry(
            providers={"openai": {"api_key": "sk-test", "base_url": server.base_url}},
            use_entry_points=False,
        )
        spec = llm_spec(
            {
                "provider": "openai",
                "model": "gpt-test",
                "tools": ["calculator"],
                "system": "Be brief.",
            },
            with_tools=True,
        )
        graph = compile_spec(spec, registry=registry)
        chunks = []
        final = None
        for mode, data in graph.stream(user("6 times 7?"), stream_mode=["messages", "values"]):
            if mode == "messages":
                chunks.append(data[0].model_dump())
            else:
                final = data
    messages = [as_role_dict(m) for m in final["messages"]]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert messages[1]["tool_calls"] == [
        {"id": "call_abc", "name": "calculator", "args": {"expression": "6*7"}}
    ]
    assert messages[2]["content"] == "42" and messages[2]["tool_call_id"] == "call_abc"
    assert messages[3]["content"] == "You said: 42"
    # tokens arrived one by one, tool-call arguments in pieces
    ai_chunks = [c for c in chunks if c.get("type") == "AIMessageChunk"]
    assert [c["content"] for c in ai_chunks if c["content"]] == ["You", " said:", " 42"]
    assert any(c["tool_call_chunks"] for c in chunks)
    # the wire format sent to the server
    first, second = server.requests
    assert server.headers[0]["authorization"] == "Bearer sk-test"
    assert first["model"] == "gpt-test" and first["stream"] is True
    assert first["messages"][0] == {"role": "system", "content": "Be brief."}
    assert first["tools"][0]["function"]["name"] == "calculator"
    assert (
        second["messages"][2]["tool_calls"][0]["function"]["arguments"] == '{"expression": "6*7"}'
    )
    assert second["messages"][3] == {"role": "tool", "content": "42", "tool_call_id": "call_abc"}


def test_openai_structured_output_sends_json_schema():
    with FakeOpenAI() as server:
        registry = Registry(
            providers={"openai": {"base_url": server.base_url}}, use_entry_points=False
        )
        schema = {"type": "object", "properties": {"answer": {"type": "integer"}}}
        spec = llm_spec(
            {"provider": "openai", "output_field": "answer", "structured_output": schema}
        )
        out = compile_spec(spec, registry=registry).invoke(user("q"))
    assert out["answer"] == {"answer": 42}
    assert server.requests[0]["response_format"]["json_schema"]["schema"] == schema


def test_openai_without_key_or_url_says_how_to_configure(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    chat = get_provider("openai")
    with pytest.raises(ProviderError, match="OPENAI_API_KEY"):
        chat(ChatRequest(model="m", messages=[]), lambda t, c: None)


def test_openai_unreachable_is_a_provider_error():
    chat = get_provider("openai")
    request = ChatRequest(
        model="m",
        messages=[{"role": "user", "content": "x"}],
        settings={"base_url": "http://127.0.0.1:9/v1", "max_retries": 0},
        timeout=2,
    )
    with pytest.raises(ProviderError, match="failed"):
        chat(request, lambda t, c: None)


def test_provider_settings_come_from_host_then_env(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    assert Registry().provider_settings("anthropic") == {"api_key": "from-env"}
    registry = Registry(providers={"anthropic": {"api_key": "from-host"}})
    assert registry.provider_settings("anthropic")["api_key"] == "from-host"


def test_anthropic_requires_key(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ProviderError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic")(ChatRequest(model="m", messages=[]), lambda t, c: None)


def test_message_conversion_to_openai_and_anthropic():
    conversation = [
        {"role": "system", "content": "Be nice."},
        {"role": "user", "content": "2+2?", "id": "u1"},
        {
            "role": "assistant",
            "content": "",
            "id": "a1",
            "tool_calls": [{"id": "c1", "name": "calculator", "args": {"expression": "2+2"}}],
        },
        {"role": "tool", "content": "4", "tool_call_id": "c1", "name": "calculator"},
        {"role": "tool", "content": "4 again", "tool_call_id": "c2"},
    ]
    wire = to_openai_messages(conversation)
    assert wire[2]["tool_calls"][0]["function"] == {
        "name": "calculator",
        "arguments": '{"expression": "2+2"}',
    }
    assert "id" not in wire[1]
    system, turns = to_anthropic(conversation)
    assert system == "Be nice."
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert turns[1]["content"] == [
        {"type": "tool_use", "id": "c1", "name": "calculator", "input": {"expression": "2+2"}}
    ]
    assert [b["tool_use_id"] for b in turns[2]["content"]] == ["c1", "c2"]


def test_anthropic_end_to_end_over_http_with_tools_and_sse():
    from tests.runtime.graphspec.fake_anthropic import FakeAnthropic

    with FakeAnthropic() as server:
        registry = Registry(
            providers={"anthropic": {"api_key": "ak-test", "base_url": server.base_url}},
            use_entry_points=False,
        )
        spec = llm_spec(
            {
                "provider": "anthropic",
                "model": "claude-test",
                "tools": ["calculator"],
                "system": "Be brief.",
            },
            with_tools=True,
        )
        chunks = []
        final = None
        graph = compile_spec(spec, registry=registry)
        for mode, data in graph.stream(user("6 times 7?"), stream_mode=["messages", "values"]):
            if mode == "messages":
                chunks.append(data[0].model_dump())
            else:
                final = data
    messages = [as_role_dict(m) for m in final["messages"]]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert messages[1]["tool_calls"] == [
        {"id": "toolu_1", "name": "calculator", "args": {"expression": "6*7"}}
    ]
    assert messages[3]["content"] == "Result: 42"
    ai_chunks = [c for c in chunks if c.get("type") == "AIMessageChunk"]
    assert [c["content"] for c in ai_chunks if c["content"]] == ["Result:", " 42"]
    assert any(c["tool_call_chunks"] for c in ai_chunks)
    first, second = server.requests
    sent = server.headers[0]
    assert "ak-test" in (sent.get("x-api-key", "") + sent.get("authorization", ""))
    assert first["system"] == "Be brief." and first["max_tokens"] == 1024
    assert first["tools"][0]["input_schema"]["required"] == ["expression"]
    assert second["messages"][-1]["content"][0]["type"] == "tool_result"
