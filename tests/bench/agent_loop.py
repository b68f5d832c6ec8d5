"""(c) A 200-turn agent/tool loop appending one message per node through add_messages."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from tests.bench.engines import Engine
from tests.bench.harness import Workload

TURNS = 200
FINAL_MESSAGES = 1 + 2 * TURNS  # the user's message, then an assistant and a tool message per turn

_ROLE_OF_TYPE = {"human": "user", "ai": "assistant", "tool": "tool", "system": "system"}


def _role(message: Any) -> str:
    # our messages are OpenAI-style dicts; LangGraph turns dicts into LangChain messages
    if isinstance(message, dict):
        return message["role"]
    return _ROLE_OF_TYPE[message.type]


def _content(message: Any) -> Any:
    return message["content"] if isinstance(message, dict) else message.content


def _agent(state: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    turn = len(state["messages"]) // 2
    return {"messages": [{"role": "assistant", "content": f"calling the tool, turn {turn}"}]}


def _tool(state: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    turn = len(state["messages"]) // 2 - 1
    return {
        "messages": [
            {"role": "tool", "content": f"tool result {turn}", "tool_call_id": f"call_{turn}"}
        ]
    }


def _route(state: dict[str, list[Any]]) -> str:
    return "agent" if len(state["messages"]) < FINAL_MESSAGES else "done"


def build_loop(e: Engine, saver: Any) -> Any:
    # functional syntax: the reducer is a local, which postponed annotations could not see
    chat = TypedDict("Chat", {"messages": Annotated[list, e.add_messages]})  # noqa: UP013
    g = e.StateGraph(chat)
    g.add_node("agent", _agent)
    g.add_node("tool", _tool)
    g.add_edge(e.START, "agent")
    g.add_edge("agent", "tool")
    g.add_conditional_edges("tool", _route, {"agent": "agent", "done": e.END})
    return g.compile(checkpointer=saver)


def check_loop(e: Engine, state: Any) -> None:
    messages = state.get("messages") or []
    assert len(messages) == FINAL_MESSAGES, (
        f"expected {FINAL_MESSAGES} messages, got {len(messages)}"
    )
    roles = [_role(m) for m in messages]
    assert roles == ["user"] + ["assistant", "tool"] * TURNS, "messages are out of order"
    assert _content(messages[-1]) == f"tool result {TURNS - 1}", _content(messages[-1])
    assert _content(messages[-2]) == f"calling the tool, turn {TURNS - 1}"


AGENT_LOOP = Workload(
    name="loop200",
    description=f"{TURNS}-turn agent/tool loop, add_messages, checkpointer",
    build=build_loop,
    make_input=lambda: {"messages": [{"role": "user", "content": "start"}]},
    check=check_loop,
    checkpointer=True,
    recursion_limit=2 * TURNS + 10,
)
