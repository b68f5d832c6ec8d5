"""FrameTranslator on hand-made log events: the messages/* frames (tool-call chunks,
whole messages, subgraph tokens) and the events mode's records."""

from __future__ import annotations

from builder.api.sse_frames import FrameTranslator
from builder.wire.messages import message, whole_message

META = {"langgraph_node": "llm", "langgraph_step": 1}


def chunk(content="", pieces=(), mid="m1"):
    data = {"type": "AIMessageChunk", "id": mid, "content": content}
    data["tool_call_chunks"] = list(pieces)
    return data


def messages_event(c, ns=(), metadata=META):
    return {"type": "messages", "data": {"ns": list(ns), "chunk": c, "metadata": metadata}}


def task_finished(name="llm", result=(), ns=()):
    return {
        "type": "task.finished",
        "data": {"ns": list(ns), "id": "t1", "name": name, "result": list(result), "error": None},
    }


def test_tool_call_chunks_accumulate_by_index():
    t = FrameTranslator(["messages"], False)
    t.frames(messages_event(chunk(pieces=[{"index": 0, "id": "c1", "name": "f", "args": '{"a"'}])))
    frames = t.frames(messages_event(chunk(pieces=[{"index": 0, "args": ": 1}"}])))
    assert [name for name, _ in frames] == ["messages/partial"]
    message = frames[0][1][0]
    assert message["tool_call_chunks"] == [
        {"index": 0, "id": "c1", "name": "f", "args": '{"a": 1}'}
    ]


def test_complete_uses_the_returned_message_when_the_node_returns_it():
    t = FrameTranslator(["messages"], False)
    t.frames(messages_event(chunk("hel")))
    t.frames(messages_event(chunk("lo")))
    returned = {"role": "assistant", "content": "hello", "id": "m1", "response_metadata": {}}
    frames = t.frames(task_finished(result=[["messages", [returned]]]))
    assert frames == [("messages/complete", [whole_message(returned)])]
    assert frames[0][1][0]["type"] == "ai" and "role" not in frames[0][1][0]
    # Only once, and not for another node's task.
    assert t.frames(task_finished(result=[["messages", [returned]]])) == []


def test_complete_falls_back_to_what_was_streamed():
    t = FrameTranslator(["messages"], False)
    t.frames(messages_event(chunk("a b")))
    assert t.frames(task_finished(name="other")) == []
    ((name, data),) = t.frames(task_finished(result=[["answer", "a b"]]))
    assert name == "messages/complete" and data[0]["content"] == "a b"
    assert data[0]["type"] == "ai"


def test_whole_messages_come_out_complete_with_their_metadata():
    t = FrameTranslator(["messages"], False)
    whole = {"role": "tool", "content": "42", "id": "t9", "tool_call_id": "c1"}
    frames = t.frames(messages_event(whole))
    assert frames == [
        ("messages/metadata", {"t9": {"metadata": META}}),
        ("messages/complete", [whole_message(whole)]),
    ]
    assert frames[1][1][0]["type"] == "tool" and frames[1][1][0]["tool_call_id"] == "c1"


def test_subgraph_tokens_without_stream_subgraphs():
    t = FrameTranslator(["messages"], False)
    frames = t.frames(messages_event(chunk("x"), ns=["inner:1"]))
    assert [name for name, _ in frames] == ["messages/metadata", "messages/partial"]
    assert [n for n, _ in t.frames(task_finished(ns=["inner:1"]))] == ["messages/complete"]
    # With stream_subgraphs the namespace is appended to the event name.
    t = FrameTranslator(["messages"], True)
    names = [n for n, _ in t.frames(messages_event(chunk("x"), ns=["inner:1"]))]
    assert names == ["messages/metadata|inner:1", "messages/partial|inner:1"]


def test_messages_tuple_alone_sends_no_accumulations():
    t = FrameTranslator(["messages-tuple"], False)
    # The chunk in LangChain's form, keeping its chunk type (as LangGraph streams it).
    assert t.frames(messages_event(chunk("x"))) == [("messages", [message(chunk("x")), META])]
    assert message(chunk("x"))["type"] == "AIMessageChunk"
    assert t.frames(task_finished()) == []


def test_events_for_a_failed_task_and_the_step_tag():
    t = FrameTranslator(["events"], False, run_id="r1")
    checkpoint = {"metadata": {"step": 2}}
    t.frames({"type": "checkpoint.created", "data": {"ns": [], "checkpoint": checkpoint}})
    started = {"ns": [], "id": "t1", "name": "n", "input": {"a": 1}, "triggers": ["x"]}
    ((_, start),) = t.frames({"type": "task.started", "data": started})
    assert start["event"] == "on_chain_start" and start["tags"] == ["graph:step:3"]
    assert start["data"] == {"input": {"a": 1}} and start["parent_ids"] == ["r1"]
    failed = {"ns": [], "id": "t1", "name": "n", "result": [], "error": "ValueError: no"}
    ((_, end),) = t.frames({"type": "task.failed", "data": failed})
    assert end["event"] == "on_chain_end" and end["data"]["error"] == "ValueError: no"


def test_a_pause_streams_as_langgraph_streams_it():
    t = FrameTranslator(["values", "updates"], False)
    values = {"messages": [{"role": "user", "content": "hi", "id": "h"}]}
    (frame,) = t.frames({"type": "values", "data": {"ns": [], "data": values}})
    assert frame[1]["messages"][0]["type"] == "human"
    paused = {"ns": [], "interrupt": {"value": {"q": 1}, "id": "i1"}}
    updates, state = t.frames({"type": "interrupt", "data": paused})
    interrupt = {"value": {"q": 1}, "id": "i1", "response_schema": None}
    assert updates == ("updates", {"__interrupt__": [interrupt]})
    # values gets the state so far with the interrupt, also when updates is asked for.
    assert state == ("values", {**frame[1], "__interrupt__": [interrupt]})
    only_values = FrameTranslator(["values"], False)
    assert [n for n, _ in only_values.frames({"type": "interrupt", "data": paused})] == ["values"]


def test_tasks_mode_shows_a_result_as_channel_values():
    t = FrameTranslator(["tasks"], False)
    ((name, task),) = t.frames(task_finished(result=[["answer", "x"], ["messages", []]]))
    assert name == "tasks" and task["result"] == {"answer": "x", "messages": []}
