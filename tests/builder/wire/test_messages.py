"""Messages in LangChain's serialized form, whatever form the engine holds them in."""

from __future__ import annotations

from langchain_core.messages import AIMessage, ToolMessage, messages_from_dict

from builder.wire.messages import message, message_type, whole_message, with_messages


def test_openai_style_messages_read_as_langchain_ones():
    human = message({"role": "user", "content": "hi", "id": "h1"})
    assert human == {
        "content": "hi",
        "additional_kwargs": {},
        "response_metadata": {},
        "type": "human",
        "name": None,
        "id": "h1",
    }
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
    ai = message({"role": "assistant", "content": "", "tool_calls": [call]})
    assert ai["type"] == "ai" and ai["usage_metadata"] is None
    assert ai["tool_calls"] == [{"name": "f", "args": {"a": 1}, "id": "c1", "type": "tool_call"}]
    tool = message({"role": "tool", "content": "42", "tool_call_id": "c1"})
    assert (tool["type"], tool["status"], tool["artifact"]) == ("tool", "success", None)


def test_the_form_is_what_langchain_itself_dumps_and_loads():
    dumped = AIMessage("x", id="a1", tool_calls=[{"name": "f", "args": {}, "id": "c"}]).model_dump()
    assert message(dumped) == dumped
    ours = [
        message({"role": "assistant", "content": "x", "id": "a1"}),
        message({"role": "tool", "content": "y", "tool_call_id": "c", "id": "t1"}),
    ]
    loaded = messages_from_dict([{"type": m["type"], "data": m} for m in ours])
    assert isinstance(loaded[0], AIMessage) and isinstance(loaded[1], ToolMessage)


def test_chunks_keep_their_type_and_whole_messages_do_not():
    chunk = {"type": "AIMessageChunk", "content": "to", "id": "m1"}
    assert message_type(chunk) == "AIMessageChunk"
    assert message(chunk)["type"] == "AIMessageChunk"
    assert message(chunk)["tool_call_chunks"] == []
    assert whole_message(chunk)["type"] == "ai"
    assert whole_message({"type": "ToolMessageChunk", "content": ""})["type"] == "tool"


def test_with_messages_walks_values_and_leaves_the_rest_alone():
    values = {"messages": [{"role": "user", "content": "hi"}], "count": 1, "nested": {"a": [1]}}
    out = with_messages(values)
    assert out["messages"][0]["type"] == "human" and "role" not in out["messages"][0]
    assert out["count"] == 1 and out["nested"] is values["nested"]
    plain = {"rows": [{"content": 1}], "role": "admin"}
    assert with_messages(plain) is plain
    assert with_messages([{"type": "ai", "content": "x"}])[0]["tool_calls"] == []
    assert with_messages(None) is None and with_messages("text") == "text"
