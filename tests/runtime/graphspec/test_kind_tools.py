"""The ``tools`` kind runs a message's tool calls concurrently, bounded, in call order."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from runtime.graphspec import Registry, compile_spec, validate_spec
from runtime.messages import as_role_dict
from runtime.providers.tools import ToolRegistry
from tests.runtime.graphspec.test_kinds import build, one_node

SLEEP = 0.3


def calls(*names: str) -> dict[str, Any]:
    return {
        "messages": [
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"id": str(i), "name": name, "args": {"tag": f"{name}-{i}"}}
                    for i, name in enumerate(names)
                ],
            }
        ]
    }


class Recorder:
    """Slow tools, one sync and one async, that record how many run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.registry = ToolRegistry()
        self.registry.register("slow_sync", self.slow_sync)
        self.registry.register("slow_async", self.slow_async)
        self.registry.register("fast", lambda tag: tag.upper())
        self.registry.register("broken", self.broken)

    def _enter(self) -> None:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)

    def _leave(self) -> None:
        with self.lock:
            self.running -= 1

    def slow_sync(self, tag: str) -> str:
        self._enter()
        try:
            time.sleep(SLEEP)  # blocks its thread, not the loop
            return f"sync:{tag}"
        finally:
            self._leave()

    async def slow_async(self, tag: str) -> dict[str, str]:
        self._enter()
        try:
            await asyncio.sleep(SLEEP)
            return {"async": tag}
        finally:
            self._leave()

    async def broken(self, tag: str) -> str:
        await asyncio.sleep(SLEEP / 3)
        raise RuntimeError(f"{tag} went wrong")

    def node(self, **config: Any) -> Any:
        return build("tools", config, Registry(tools=self.registry, use_entry_points=False))


def run(fn: Any, state: dict[str, Any]) -> tuple[list[dict[str, Any]], float]:
    started = time.perf_counter()
    out = asyncio.run(fn(state))
    return [as_role_dict(m) for m in out["messages"]], time.perf_counter() - started


def test_slow_tools_overlap_and_the_messages_keep_the_call_order():
    tools = Recorder()
    # The fast call finishes first, the broken one second; the messages still follow
    # the calls, and the failure is that call's message only.
    messages, elapsed = run(
        tools.node(), calls("slow_sync", "slow_async", "slow_sync", "fast", "broken")
    )
    assert elapsed < SLEEP * 1.8, f"{elapsed:.2f}s: the calls ran one after another"
    assert tools.peak == 3
    assert [m["tool_call_id"] for m in messages] == ["0", "1", "2", "3", "4"]
    assert [m["content"] for m in messages] == [
        "sync:slow_sync-0",
        '{"async": "slow_async-1"}',
        "sync:slow_sync-2",
        "FAST-3",
        "Error: RuntimeError: broken-4 went wrong",
    ]
    assert [m["name"] for m in messages][:2] == ["slow_sync", "slow_async"]
    assert {m["role"] for m in messages} == {"tool"}


def test_max_concurrency_bounds_the_calls_running_at_once():
    tools = Recorder()
    messages, elapsed = run(tools.node(max_concurrency=2), calls(*["slow_async"] * 4))
    assert tools.peak == 2
    assert SLEEP * 2 <= elapsed < SLEEP * 3
    assert [m["tool_call_id"] for m in messages] == ["0", "1", "2", "3"]

    tools = Recorder()
    _, elapsed = run(tools.node(max_concurrency=1), calls("slow_sync", "slow_async"))
    assert tools.peak == 1 and elapsed >= SLEEP * 2


def test_the_default_bound_is_eight():
    tools = Recorder()
    _, elapsed = run(tools.node(), calls(*["slow_async"] * 10))
    assert tools.peak == 8
    assert SLEEP * 2 <= elapsed < SLEEP * 3


@pytest.mark.parametrize("bad", [0, 65, "4", 2.5])
def test_a_bad_max_concurrency_is_a_problem_at_the_config_field(bad):
    problems = validate_spec(one_node("tools", {"max_concurrency": bad}))
    errors = [p for p in problems if p.severity == "error"]
    assert [p.pointer for p in errors] == ["/nodes/0/config/max_concurrency"], problems
    assert errors[0].message


def test_a_compiled_graph_runs_the_calls_concurrently():
    tools = Recorder()
    spec = one_node("tools", {"max_concurrency": 4})
    graph = compile_spec(spec, registry=Registry(tools=tools.registry, use_entry_points=False))
    started = time.perf_counter()
    out = graph.invoke(calls("slow_sync", "slow_async", "slow_sync"))
    elapsed = time.perf_counter() - started
    assert elapsed < SLEEP * 1.8
    tool_messages = [m for m in out["messages"] if m.type == "tool"]
    assert [m.tool_call_id for m in tool_messages] == ["0", "1", "2"]


def test_a_tool_that_asks_a_human_pauses_the_run_and_resumes_with_the_answer():
    from runtime import Command, interrupt
    from runtime.checkpoint import InMemoryCheckpointer

    registry = ToolRegistry()
    registry.register("confirm", lambda tag: f"{tag}: {interrupt({'question': f'run {tag}?'})}")
    spec = one_node("tools", {})
    graph = compile_spec(
        spec,
        registry=Registry(tools=registry, use_entry_points=False),
        checkpointer=InMemoryCheckpointer(),
    )
    cfg = {"configurable": {"thread_id": "t"}}
    paused = graph.invoke(calls("confirm"), cfg)
    [asked] = paused["__interrupt__"]
    assert asked.value == {"question": "run confirm-0?"}
    assert [m.type for m in graph.get_state(cfg).values["messages"]] == ["ai"]
    out = graph.invoke(Command(resume="yes"), cfg)
    assert out["messages"][-1].type == "tool"
    assert out["messages"][-1].content == "confirm-0: yes"
