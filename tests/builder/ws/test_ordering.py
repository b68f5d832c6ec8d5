"""OrderedStream on its own: replay, buffering, duplicates and gaps, without a database."""

from __future__ import annotations

import asyncio
import json

from builder.consumers.hub import Delivery
from builder.consumers.ordering import OrderedStream


def ev(seq: int) -> dict:
    return {"type": "custom", "seq": seq, "data": {}}


def delivery(*seqs: int) -> Delivery:
    events = [ev(s) for s in seqs]
    return Delivery(events, [json.dumps(e) for e in events])


class Log:
    def __init__(self, upto: int) -> None:
        self.upto = upto
        self.queries: list[tuple[int, int | None]] = []
        self.gate: asyncio.Event | None = None

    async def fetch(self, after: int, before: int | None) -> list[dict]:
        self.queries.append((after, before))
        if self.gate is not None:
            await self.gate.wait()
        end = self.upto if before is None else min(self.upto, before - 1)
        return [ev(s) for s in range(after + 1, end + 1)]


async def test_live_events_during_the_replay_wait_and_duplicates_are_dropped():
    log, sent = Log(upto=5), []

    async def send(text: str) -> None:
        sent.append(json.loads(text)["seq"])

    log.gate = asyncio.Event()
    stream = OrderedStream(2, log.fetch, send)
    replay = asyncio.ensure_future(stream.start())
    await asyncio.sleep(0)
    await stream.push(delivery(5, 6))  # 5 is also in the replay
    log.gate.set()
    await replay
    await stream.push(delivery(7))
    assert sent == [3, 4, 5, 6, 7]


async def test_a_gap_is_filled_from_the_log_and_batches_are_one_frame():
    log, frames = Log(upto=10), []

    async def send(text: str) -> None:
        frames.append(json.loads(text))

    stream = OrderedStream(10, log.fetch, send, batch=True)
    await stream.start()
    await stream.push(delivery(11, 12))
    log.upto = 15
    await stream.push(delivery(15))  # 13 and 14 never arrived live
    await asyncio.sleep(0.01)
    assert frames[0]["type"] == "batch" and [e["seq"] for e in frames[0]["events"]] == [11, 12]
    assert [f["seq"] for f in frames[1:]] == [13, 14, 15]
    assert log.queries[-1] == (12, 15)
