"""LangGraph's public how-to examples, with our imports, giving the results the docs show."""

from __future__ import annotations

import operator
import uuid
from typing import Annotated, Literal, TypedDict

from runtime import END, START, Command, MessagesState, Send, StateGraph, interrupt
from runtime.checkpoint import InMemoryCheckpointer


def test_add_human_in_the_loop_basic():
    class State(TypedDict):
        some_text: str

    def human_node(state: State):
        value = interrupt({"text_to_revise": state["some_text"]})
        return {"some_text": value}

    graph = StateGraph(State)
    graph.add_node("human_node", human_node)
    graph.add_edge(START, "human_node")
    app = graph.compile(checkpointer=InMemoryCheckpointer())
    config = {"configurable": {"thread_id": str(uuid.uuid4())}}
    result = app.invoke({"some_text": "original text"}, config=config)
    assert result["__interrupt__"][0].value == {"text_to_revise": "original text"}
    assert app.invoke(Command(resume="Edited text"), config=config) == {"some_text": "Edited text"}


def test_review_tool_calls():
    def call_llm(state: MessagesState):
        last = state["messages"][-1]
        if last.type == "tool" or "feedback" in str(last.content):
            return {"messages": [{"role": "assistant", "content": "It's sunny in San Francisco!"}]}
        return {
            "messages": [
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [
                        {"id": "call_1", "name": "weather_search", "args": {"city": "sf"}}
                    ],
                }
            ]
        }

    def run_tool(state: MessagesState):
        call = state["messages"][-1].tool_calls[0]
        return {
            "messages": [
                {
                    "role": "tool",
                    "content": f"Sunny in {call['args']['city']}",
                    "tool_call_id": call["id"],
                }
            ]
        }

    def human_review_node(state) -> Command[Literal["call_llm", "run_tool"]]:
        last = state["messages"][-1]
        tool_call = last.tool_calls[-1]
        action, data = interrupt({"question": "Is this correct?", "tool_call": tool_call})
        if action == "continue":
            return Command(goto="run_tool")
        if action == "update":
            updated = {
                "role": "ai",
                "content": last.content,
                "tool_calls": [{**tool_call, "args": data}],
                "id": last.id,  # the same id: the edited message replaces the original
            }
            return Command(goto="run_tool", update={"messages": [updated]})
        return Command(
            goto="call_llm",
            update={
                "messages": [
                    {
                        "role": "tool",
                        "content": f"feedback: {data}",
                        "tool_call_id": tool_call["id"],
                    }
                ]
            },
        )

    def route_after_llm(state) -> Literal["__end__", "human_review_node"]:
        return "human_review_node" if state["messages"][-1].tool_calls else END

    builder = StateGraph(MessagesState)
    builder.add_node(call_llm)
    builder.add_node(run_tool)
    builder.add_node(human_review_node)
    builder.add_edge(START, "call_llm")
    builder.add_conditional_edges("call_llm", route_after_llm)
    builder.add_edge("run_tool", "call_llm")
    graph = builder.compile(checkpointer=InMemoryCheckpointer())

    # approve
    cfg = {"configurable": {"thread_id": "approve"}}
    out = graph.invoke({"messages": [{"role": "user", "content": "weather in sf?"}]}, cfg)
    assert out["__interrupt__"][0].value["tool_call"]["args"] == {"city": "sf"}
    out = graph.invoke(Command(resume=("continue", None)), cfg)
    assert [m.type for m in out["messages"]] == ["human", "ai", "tool", "ai"]
    assert out["messages"][-1].content == "It's sunny in San Francisco!"

    # edit the tool call: the edited message replaces the original (same id)
    cfg = {"configurable": {"thread_id": "edit"}}
    graph.invoke({"messages": [{"role": "user", "content": "weather in sf?"}]}, cfg)
    out = graph.invoke(Command(resume=("update", {"city": "San Francisco, USA"})), cfg)
    assert out["messages"][1].tool_calls[0]["args"] == {"city": "San Francisco, USA"}
    assert out["messages"][2].content == "Sunny in San Francisco, USA"
    assert len(out["messages"]) == 4

    # natural-language feedback goes back to the model
    cfg = {"configurable": {"thread_id": "feedback"}}
    graph.invoke({"messages": [{"role": "user", "content": "weather in sf?"}]}, cfg)
    out = graph.invoke(Command(resume=("feedback", "use the format <city, country>")), cfg)
    assert out["messages"][2].content == "feedback: use the format <city, country>"
    assert out["messages"][-1].type == "ai"


def test_map_reduce_with_send():
    class OverallState(TypedDict):
        topic: str
        subjects: list
        jokes: Annotated[list, operator.add]
        best_selected_joke: str

    def generate_topics(state: OverallState):
        return {"subjects": ["lions", "elephants", "penguins"]}

    def generate_joke(state: dict):
        joke_map = {
            "lions": "Why don't lions like fast food? Because they can't catch it!",
            "elephants": "Why don't elephants use computers? They're afraid of the mouse!",
            "penguins": "Why don't penguins like talking to strangers at parties? Because they find it hard to break the ice.",
        }
        return {"jokes": [joke_map[state["subject"]]]}

    def continue_to_jokes(state: OverallState):
        return [Send("generate_joke", {"subject": s}) for s in state["subjects"]]

    def best_joke(state: OverallState):
        return {"best_selected_joke": "penguins"}

    builder = StateGraph(OverallState)
    builder.add_node("generate_topics", generate_topics)
    builder.add_node("generate_joke", generate_joke)
    builder.add_node("best_joke", best_joke)
    builder.add_edge(START, "generate_topics")
    builder.add_conditional_edges("generate_topics", continue_to_jokes, ["generate_joke"])
    builder.add_edge("generate_joke", "best_joke")
    builder.add_edge("best_joke", END)
    graph = builder.compile()
    steps = list(graph.stream({"topic": "animals"}, stream_mode="values"))
    assert steps[-1]["best_selected_joke"] == "penguins"
    assert len(steps[-1]["jokes"]) == 3
    updates = list(graph.stream({"topic": "animals"}, stream_mode="updates"))
    assert updates[0] == {"generate_topics": {"subjects": ["lions", "elephants", "penguins"]}}
    assert [list(u)[0] for u in updates[1:4]] == ["generate_joke"] * 3
    assert updates[-1] == {"best_joke": {"best_selected_joke": "penguins"}}


def test_subgraph_shared_state_keys():
    class SubgraphState(TypedDict):
        foo: str
        bar: str

    def subgraph_node_1(state: SubgraphState):
        return {"bar": "bar"}

    def subgraph_node_2(state: SubgraphState):
        return {"foo": state["foo"] + state["bar"]}

    sub = StateGraph(SubgraphState)
    sub.add_node(subgraph_node_1)
    sub.add_node(subgraph_node_2)
    sub.add_edge(START, "subgraph_node_1")
    sub.add_edge("subgraph_node_1", "subgraph_node_2")
    subgraph = sub.compile()

    class ParentState(TypedDict):
        foo: str

    def node_1(state: ParentState):
        return {"foo": "hi! " + state["foo"]}

    builder = StateGraph(ParentState)
    builder.add_node("node_1", node_1)
    builder.add_node("node_2", subgraph)
    builder.add_edge(START, "node_1")
    builder.add_edge("node_1", "node_2")
    graph = builder.compile()
    assert graph.invoke({"foo": "foo"}) == {"foo": "hi! foobar"}
    chunks = list(graph.stream({"foo": "foo"}, subgraphs=True, stream_mode="updates"))
    assert [(len(ns), list(c)[0]) for ns, c in chunks] == [
        (0, "node_1"),
        (1, "subgraph_node_1"),
        (1, "subgraph_node_2"),
        (0, "node_2"),
    ]


def test_resume_multiple_interrupts_with_one_invocation():
    class State(TypedDict):
        text_1: str
        text_2: str

    def human_node_1(state: State):
        return {"text_1": interrupt({"text_to_revise": state["text_1"]})}

    def human_node_2(state: State):
        return {"text_2": interrupt({"text_to_revise": state["text_2"]})}

    builder = StateGraph(State)
    builder.add_node("human_node_1", human_node_1)
    builder.add_node("human_node_2", human_node_2)
    builder.add_edge(START, "human_node_1")
    builder.add_edge(START, "human_node_2")
    graph = builder.compile(checkpointer=InMemoryCheckpointer())
    config = {"configurable": {"thread_id": str(uuid.uuid4())}}
    graph.invoke({"text_1": "original text 1", "text_2": "original text 2"}, config=config)
    resume_map = {
        i.id: f"human input for prompt {i.value}" for i in graph.get_state(config).interrupts
    }
    assert graph.invoke(Command(resume=resume_map), config=config) == {
        "text_1": "human input for prompt {'text_to_revise': 'original text 1'}",
        "text_2": "human input for prompt {'text_to_revise': 'original text 2'}",
    }


def test_static_breakpoints():
    class State(TypedDict):
        input: str

    trace = []

    def step(name):
        def node(state):
            trace.append(name)

        return node

    builder = StateGraph(State)
    builder.add_node("step_1", step("step_1"))
    builder.add_node("step_2", step("step_2"))
    builder.add_node("step_3", step("step_3"))
    builder.add_edge(START, "step_1")
    builder.add_edge("step_1", "step_2")
    builder.add_edge("step_2", "step_3")
    builder.add_edge("step_3", END)
    graph = builder.compile(checkpointer=InMemoryCheckpointer(), interrupt_before=["step_3"])
    thread = {"configurable": {"thread_id": "1"}}
    # as in LangGraph, a step that changes no state key adds no values chunk
    assert [e for e in graph.stream({"input": "hello world"}, thread, stream_mode="values")] == [
        {"input": "hello world"}
    ]
    assert trace == ["step_1", "step_2"]
    assert graph.get_state(thread).next == ("step_3",)
    list(graph.stream(None, thread, stream_mode="values"))
    assert trace == ["step_1", "step_2", "step_3"]
