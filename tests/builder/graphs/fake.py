"""Stand-ins for compiled runtime graphs, loaded through GRAPHS_CONFIG by the tests.

They implement the slice of the compiled-graph API the run driver uses (``astream`` with
``(namespace, mode, data)`` items, ``aget_state``) and write real checkpoints through the
bound checkpointer, so resuming after a crash can be tested before the engine exists.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import namedtuple
from typing import Any

from runtime.checkpoint.base import Blob, Checkpoint
from runtime.pregel.ids import checkpoint_id

Snapshot = namedtuple("Snapshot", ["values", "next"])


class CountingGraph:
    """Counts to ``steps``, one checkpoint per step; resumes from the last checkpoint when
    the input is None. ``delay`` seconds between steps."""

    def __init__(self, steps: int = 3, delay: float = 0.0) -> None:
        self.steps = steps
        self.delay = delay
        self.checkpointer: Any = None
        self.inputs: list[Any] = []
        self.intervals_file = os.environ.get("FAKE_GRAPH_INTERVALS", "")

    async def _latest(self, thread_id: str) -> tuple[int, str | None]:
        found = await self.checkpointer.aget_tuple({"configurable": {"thread_id": thread_id}})
        if found is None:
            return 0, None
        return found.checkpoint.channel_values.get("count", 0), found.checkpoint.id

    async def astream(self, input: Any, config: dict[str, Any], **kwargs: Any):
        self.inputs.append(input)
        thread_id = config["configurable"]["thread_id"]
        started = time.time()
        count, parent = await self._latest(thread_id)
        if input is not None:
            count = 0
        while count < self.steps:
            count += 1
            cid = checkpoint_id()
            cp = Checkpoint(id=cid, ts=str(time.time()), channel_versions={"count": cid})
            conf = {
                "configurable": {
                    "thread_id": thread_id,
                    "checkpoint_ns": "",
                    "checkpoint_id": parent,
                }
            }
            await self.checkpointer.aput(
                conf,
                cp,
                {"source": "loop", "step": count},
                {"count": Blob(cp.channel_versions["count"], "full", count)},
            )
            parent = cp.id
            yield (), "updates", {"step": {"count": count}}
            yield (), "values", {"count": count}
            if isinstance(input, dict) and input.get("interrupt_at") == count:
                yield (), "updates", {"__interrupt__": [{"value": "approve?", "id": "i1"}]}
                return
            if self.delay:
                await asyncio.sleep(self.delay)
        if self.intervals_file:
            with open(self.intervals_file, "a") as fh:
                fh.write(f"{thread_id} {started} {time.time()}\n")

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("the run driver only streams")

    async def aget_state(self, config: dict[str, Any]) -> Snapshot:
        count, _ = await self._latest(config["configurable"]["thread_id"])
        return Snapshot({"count": count}, () if count >= self.steps else ("step",))


class FailingGraph:
    checkpointer: Any = None

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def astream(self, input: Any, config: dict[str, Any], **kwargs: Any):
        yield (), "updates", {"start": {}}
        raise RuntimeError("the node exploded")


counter = CountingGraph(steps=3)
slow = CountingGraph(steps=1000, delay=0.05)
paced = CountingGraph(steps=4, delay=0.1)
killable = CountingGraph(steps=30, delay=0.05)
failing = FailingGraph()
