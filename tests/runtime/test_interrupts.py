"""Human in the loop: interrupt(), resume, parallel interrupts, breakpoints, once()."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, Command, Send, StateGraph, interrupt, once
from runtime.checkpoint import InMemoryCheckpointer


class S(TypedDict):
    text: str
    log: Annotated[list, operator.add]


def _cfg(t="t"):
    return {"configurable": {"thread_id": t}}


def test_approval_interrupt_and_resume():
    def draft(state):
        return {"text": f"draft for {state['text']}", "log": ["draft"]}

    def review(state):
        decision = interrupt({"question": "Approve?", "draft": state["text"]})
        return {"log": [f"review:{decision}"]}

    g = StateGraph(S)
    g.add_node("draft", draft)
    g.add_node("review", review)
    g.add_edge(START, "draft")
    g.add_edge("draft", "review")
    g.add_edge("review", END)
    app = g.compile(checkpointer=InMemoryCheckpointer())
    out = app.invoke({"text": "ticket 7"}, _cfg())
    [intr] = out["__interrupt__"]
    assert intr.value == {"question": "Approve?", "draft": "draft for ticket 7"}
    state = app.get_state(_cfg())
    assert state.next == ("review",)
    assert state.interrupts == (intr,)
    assert state.tasks[0].interrupts == (intr,)
    out = app.invoke(Command(resume="approved"), _cfg())
    assert out == {"text": "draft for ticket 7", "log": ["draft", "review:approved"]}
    assert app.get_state(_cfg()).next == ()
    # as in LangGraph, a resume with nothing pending answers nothing: the run just goes on
    assert app.invoke(Command(resume="again"), _cfg()) == out


def test_several_interrupts_in_one_node_resume_in_order():
    calls = {"n": 0}

    def ask(state):
        calls["n"] += 1
        name = interrupt("name?")
        age = interrupt("age?")
        return {"log": [f"{name}/{age}"]}

    g = StateGraph(S)
    g.add_node("ask", ask)
    g.add_edge(START, "ask")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    assert app.invoke({"text": ""}, _cfg())["__interrupt__"][0].value == "name?"
    assert app.invoke(Command(resume="Ada"), _cfg())["__interrupt__"][0].value == "age?"
    out = app.invoke(Command(resume=36), _cfg())
    assert out["log"] == ["Ada/36"]
    assert calls["n"] == 3  # the node re-runs from its start on each resume


def test_parallel_interrupts_resume_one_at_a_time_or_all_at_once():
    def make(name):
        def node(state):
            answer = interrupt(f"{name}?")
            return {"log": [f"{name}={answer}"]}

        return node

    def build():
        g = StateGraph(S)
        g.add_node("a", make("a"))
        g.add_node("b", make("b"))
        g.add_node("after", lambda s: {"log": ["after"]})
        g.add_edge(START, "a")
        g.add_edge(START, "b")
        g.add_edge(["a", "b"], "after")
        return g.compile(checkpointer=InMemoryCheckpointer())

    app = build()
    out = app.invoke({"text": ""}, _cfg())
    ids = {i.value: i.id for i in out["__interrupt__"]}
    assert set(ids) == {"a?", "b?"} and len(set(ids.values())) == 2
    with pytest.raises(RuntimeError, match="multiple pending interrupts.*interrupt id"):
        app.invoke(Command(resume="x"), _cfg())
    out = app.invoke(Command(resume={ids["a?"]: 1}), _cfg())
    assert [i.value for i in out["__interrupt__"]] == ["b?"]
    assert app.get_state(_cfg()).next == ("b",)
    out = app.invoke(Command(resume={ids["b?"]: 2}), _cfg())
    assert out["log"] == ["a=1", "b=2", "after"]

    app = build()
    out = app.invoke({"text": ""}, _cfg("all"))
    resume = {i.id: i.value.upper() for i in out["__interrupt__"]}
    out = app.invoke(Command(resume=resume), _cfg("all"))
    assert out["log"] == ["a=A?", "b=B?", "after"]


def test_finished_sibling_is_not_run_again_on_resume():
    calls = {"fast": 0}

    def fast(state):
        calls["fast"] += 1
        return {"log": ["fast"]}

    def asks(state):
        return {"log": [interrupt("ok?")]}

    g = StateGraph(S)
    g.add_node("fast", fast)
    g.add_node("asks", asks)
    g.add_edge(START, "fast")
    g.add_edge(START, "asks")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    app.invoke({"text": ""}, _cfg())
    out = app.invoke(Command(resume="yes"), _cfg())
    assert out["log"] == ["yes", "fast"]  # writes in task path order: "asks" before "fast"
    assert calls["fast"] == 1


def test_static_breakpoints_compile_time_and_per_call():
    g = StateGraph(S)
    g.add_node("a", lambda s: {"log": ["a"]})
    g.add_node("b", lambda s: {"log": ["b"]})
    g.add_node("c", lambda s: {"log": ["c"]})
    g.add_sequence  # noqa: B018 - the builder also offers add_sequence
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    app = g.compile(
        checkpointer=InMemoryCheckpointer(), interrupt_before=["b"], interrupt_after=["b"]
    )
    assert app.invoke({"text": ""}, _cfg())["log"] == ["a"]
    assert app.get_state(_cfg()).next == ("b",)
    assert app.invoke(None, _cfg())["log"] == ["a", "b"]
    assert app.get_state(_cfg()).next == ("c",)
    assert app.invoke(None, _cfg())["log"] == ["a", "b", "c"]

    plain = g.compile(checkpointer=InMemoryCheckpointer())
    assert plain.invoke({"text": ""}, _cfg("p"), interrupt_after=["a"])["log"] == ["a"]
    assert plain.invoke(None, _cfg("p"))["log"] == ["a", "b", "c"]


def test_command_update_with_resume_edits_state_and_continues():
    def review(state):
        verdict = interrupt("approve?")
        return {"log": [f"{verdict}:{state['text']}"]}

    g = StateGraph(S)
    g.add_node("review", review)
    g.add_edge(START, "review")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    app.invoke({"text": "v1"}, _cfg())
    out = app.invoke(Command(resume="ok", update={"text": "v2"}), _cfg())
    assert out["log"] == ["ok:v2"]


def test_once_keeps_side_effects_before_interrupt_from_repeating():
    sent = []

    def notify(state):
        receipt = once("email", lambda: sent.append(state["text"]) or f"receipt-{len(sent)}")
        answer = interrupt("reply?")
        return {"log": [receipt, answer]}

    g = StateGraph(S)
    g.add_node("notify", notify)
    g.add_edge(START, "notify")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    app.invoke({"text": "hello"}, _cfg())
    out = app.invoke(Command(resume="thanks"), _cfg())
    assert sent == ["hello"]
    assert out["log"] == ["receipt-1", "thanks"]


def test_interrupt_outside_a_graph_is_an_error():
    with pytest.raises(RuntimeError, match="inside a node"):
        interrupt("x")


def test_resuming_one_of_parallel_interrupts_keeps_the_other_and_every_answer():
    """LangGraph's behaviour (repro r13): the finished child's answer is not lost."""

    class Child(TypedDict):
        prompt: str
        answers: Annotated[list, operator.add]

    child = StateGraph(Child)
    child.add_node("ask", lambda s: {"answers": [interrupt(s["prompt"])]})
    child.add_edge(START, "ask")

    class Parent(TypedDict):
        prompts: list
        answers: Annotated[list, operator.add]

    g = StateGraph(Parent)
    g.add_node("child", child.compile())
    g.add_conditional_edges(
        START, lambda s: [Send("child", {"prompt": p}) for p in s["prompts"]], ["child"]
    )
    app = g.compile(checkpointer=InMemoryCheckpointer())
    out = app.invoke({"prompts": ["a", "b"]}, _cfg())
    first = out["__interrupt__"][0]
    out = app.invoke(Command(resume={first.id: "r0"}), _cfg())
    assert [i.value for i in out["__interrupt__"]] == ["b"] and out["answers"] == ["r0"]
    head = app.get_state(_cfg())  # as LangGraph: the finished child shows, the other asks
    assert [i.value for i in head.interrupts] == ["b"] and head.values["answers"] == ["r0"]
    assert [t.result for t in head.tasks] == [{"answers": ["r0"]}, None]
    out = app.invoke(Command(resume={out["__interrupt__"][0].id: "r1"}), _cfg())
    assert "__interrupt__" not in out and out["answers"] == ["r0", "r1"]


def test_resume_at_a_static_breakpoint_just_continues():
    g = StateGraph(S)
    g.add_node("one", lambda s: {"log": ["one"]})
    g.add_node("two", lambda s: {"log": ["two"]})
    g.add_edge(START, "one")
    g.add_edge("one", "two")
    app = g.compile(checkpointer=InMemoryCheckpointer(), interrupt_before=["one"])
    app.invoke({"text": "", "log": []}, _cfg())
    assert app.invoke(Command(resume="ignored"), _cfg())["log"] == ["one", "two"]


def test_values_stream_shows_the_interrupt_and_skips_steps_that_change_nothing():
    g = StateGraph(S)
    g.add_node("quiet", lambda s: None)
    g.add_node("ask", lambda s: {"text": interrupt("why?")})
    g.add_edge(START, "quiet")
    g.add_edge("quiet", "ask")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    chunks = list(app.stream({"text": "t"}, _cfg(), stream_mode=["updates", "values"]))
    assert [mode for mode, _ in chunks] == ["values", "updates", "updates", "values"]
    assert chunks[-1][1]["text"] == "t" and chunks[-1][1]["__interrupt__"][0].value == "why?"


def test_a_resume_command_update_survives_the_next_interrupt_of_the_same_step():
    class Text(TypedDict):
        text: Annotated[str, operator.add]

    def asks_twice(state: Text):
        first = interrupt("one?")
        second = interrupt("two?")
        return {"text": f"{first} {second}"}

    g = StateGraph(Text)
    g.add_node("asks", asks_twice)
    g.add_edge(START, "asks")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    app.invoke({"text": "DE"}, _cfg())
    app.invoke(Command(resume="a1", update={"text": " upd "}), _cfg())  # pauses again
    # as LangGraph: the update is saved with the checkpoint, so the last resume sees it
    values = list(app.stream(Command(resume="a2"), _cfg(), stream_mode="values"))
    assert values == [{"text": "DE upd "}, {"text": "DE upd a1 a2"}]
