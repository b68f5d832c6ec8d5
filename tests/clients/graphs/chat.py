"""Graphs the JS SDK and useStream suites run (loaded through GRAPHS_CONFIG).

``chat`` is a deterministic, offline agent in LangChain's message shapes: it streams its
reply token by token (``messages`` mode), calls a ``get_weather`` tool when asked about
the weather, and asks the user (an interrupt) before it books anything. ``nested`` has a
subgraph, ``slow`` runs long enough to be cancelled."""

from __future__ import annotations

import asyncio
import operator
import uuid
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

from runtime import END, START, MessagesState, StateGraph, get_message_writer, interrupt


def _last_human(state: MessagesState) -> str:
    for message in reversed(state["messages"]):
        if message.type == "human":
            return str(message.content)
    return ""


async def _say(text: str, **extra: Any) -> AIMessage:
    """Stream ``text`` word by word as AI message chunks, then return the whole message."""
    write = get_message_writer()
    mid = f"ai-{uuid.uuid4()}"
    for i, word in enumerate(text.split(" ")):
        write(AIMessageChunk(id=mid, content=(" " if i else "") + word))
        await asyncio.sleep(0.03)
    return AIMessage(id=mid, content=text, **extra)


async def agent(state: MessagesState) -> dict[str, Any]:
    last = state["messages"][-1]
    if last.type == "tool":
        return {"messages": [await _say(f"The weather: {last.content}.")]}
    asked = _last_human(state)
    if "weather" in asked.lower():
        call = {
            "id": f"call-{uuid.uuid4().hex[:8]}",
            "name": "get_weather",
            "args": {"city": "Paris"},
        }
        return {"messages": [await _say("Let me check.", tool_calls=[call])]}
    if "book" in asked.lower():
        answer = interrupt({"question": f"Book '{asked}'?"})
        return {"messages": [await _say(f"Booking answer: {answer}")]}
    return {"messages": [await _say(f"You said: {asked}")]}


def tools(state: MessagesState) -> dict[str, Any]:
    call = state["messages"][-1].tool_calls[0]
    result = f"sunny in {call['args']['city']}"
    return {"messages": [ToolMessage(tool_call_id=call["id"], content=result)]}


def route(state: MessagesState) -> str:
    last = state["messages"][-1]
    return "tools" if getattr(last, "tool_calls", None) else END


_chat = StateGraph(MessagesState)
_chat.add_node("agent", agent)
_chat.add_node("tools", tools)
_chat.add_edge(START, "agent")
_chat.add_conditional_edges("agent", route, ["tools", END])
_chat.add_edge("tools", "agent")
chat = _chat


class Steps(TypedDict, total=False):
    steps: Annotated[list, operator.add]


def _step(name: str):
    def run(state: Steps) -> dict[str, Any]:
        return {"steps": [name]}

    return run


_inner = StateGraph(Steps)
_inner.add_node("inner_step", _step("inner"))
_inner.add_edge(START, "inner_step")
_inner.add_edge("inner_step", END)

_nested = StateGraph(Steps)
_nested.add_node("first", _step("first"))
_nested.add_node("child", _inner.compile())
_nested.add_edge(START, "first")
_nested.add_edge("first", "child")
_nested.add_edge("child", END)
nested = _nested


async def crawl(state: Steps) -> dict[str, Any]:
    await asyncio.sleep(0.05)
    return {"steps": ["crawl"]}


def again(state: Steps) -> str:
    return "crawl" if len(state.get("steps") or []) < 400 else END


_slow = StateGraph(Steps)
_slow.add_node("crawl", crawl)
_slow.add_edge(START, "crawl")
_slow.add_conditional_edges("crawl", again, ["crawl", END])
slow = _slow
