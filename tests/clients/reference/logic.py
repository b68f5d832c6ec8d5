"""The reference graphs' logic, written once against LangGraph's public names.

``build(lib)`` takes the library's module namespace (``langgraph``'s or ``runtime``'s
StateGraph, START, END, interrupt, add_messages), so ``langgraph dev`` and Switchyard
serve graphs that do the same thing: ``rt_graphs.py`` imports runtime, ``lg_graphs.py``
imports langgraph.
"""

# No `from __future__ import annotations`: the state schemas are classes local to
# build(), whose annotations must be evaluated where `lib` is in scope.

import asyncio
import operator
import uuid
from types import SimpleNamespace
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, ToolMessage

WEATHER = {"paris": "sunny", "oslo": "snowy"}


def _kind(message: Any) -> str:
    """A message's LangChain type, whether the library keeps objects or dicts."""
    if isinstance(message, dict):
        role = message.get("type") or message.get("role")
        return {"assistant": "ai", "user": "human"}.get(str(role), str(role))
    return str(getattr(message, "type", ""))


def _field(message: Any, name: str) -> Any:
    return message.get(name) if isinstance(message, dict) else getattr(message, name, None)


def build(lib: SimpleNamespace) -> dict[str, Any]:
    """The graphs (uncompiled) by graph id."""

    class ChatState(TypedDict):
        messages: Annotated[list, lib.add_messages]

    def agent(state: ChatState) -> dict:
        last = state["messages"][-1]
        if _kind(last) == "tool":
            text = f"It is {_field(last, 'content')}."
            return {"messages": [AIMessage(content=text, id=str(uuid.uuid4()))]}
        city = str(_field(last, "content") or "").strip().lower() or "paris"
        call = {"name": "weather", "args": {"city": city}, "id": f"call-{uuid.uuid4().hex[:8]}"}
        return {"messages": [AIMessage(content="", tool_calls=[call], id=str(uuid.uuid4()))]}

    def approve(state: ChatState) -> dict:
        call = _field(state["messages"][-1], "tool_calls")[0]
        answer = lib.interrupt({"question": "run the tool?", "tool_call": call})
        if answer == "yes":
            return {}
        text = "The tool call was refused."
        return {"messages": [AIMessage(content=text, id=str(uuid.uuid4()))]}

    def tools(state: ChatState) -> dict:
        call = _field(state["messages"][-1], "tool_calls")[0]
        result = WEATHER.get(call["args"]["city"], "cloudy")
        return {"messages": [ToolMessage(content=result, tool_call_id=call["id"], name="weather")]}

    def after_agent(state: ChatState) -> str:
        return "approve" if _field(state["messages"][-1], "tool_calls") else lib.END

    def after_approve(state: ChatState) -> str:
        return "tools" if _field(state["messages"][-1], "tool_calls") else lib.END

    chat = lib.StateGraph(ChatState)
    chat.add_node("agent", agent)
    chat.add_node("approve", approve)
    chat.add_node("tools", tools)
    chat.add_edge(lib.START, "agent")
    chat.add_conditional_edges("agent", after_agent, ["approve", lib.END])
    chat.add_conditional_edges("approve", after_approve, ["tools", lib.END])
    chat.add_edge("tools", "agent")

    class AskState(TypedDict, total=False):
        question: str
        answer: str

    def ask(state: AskState) -> dict:
        return {"answer": lib.interrupt({"question": state.get("question", "ok?")})}

    asker = lib.StateGraph(AskState)
    asker.add_node("ask", ask)
    asker.add_edge(lib.START, "ask")
    asker.add_edge("ask", lib.END)

    class TickState(TypedDict, total=False):
        count: int
        limit: int
        log: Annotated[list, operator.add]

    async def tick(state: TickState) -> dict:
        # Slow enough to be cancelled mid-run.
        await asyncio.sleep(0.05)
        count = state.get("count", 0) + 1
        return {"count": count, "log": [count]}

    def more(state: TickState) -> str:
        return "tick" if state["count"] < state.get("limit", 200) else lib.END

    ticker = lib.StateGraph(TickState)
    ticker.add_node("tick", tick)
    ticker.add_edge(lib.START, "tick")
    ticker.add_conditional_edges("tick", more, ["tick", lib.END])
    return {"chat": chat, "asker": asker, "ticker": ticker}
