import { describe, expect, it } from "vitest";
import { initialDebugState, LOG_LIMIT, reduceEvent, reduceEvents, type DebugState, type ThreadEvent } from "./events";

const ev = (seq: number, type: string, data: unknown = {}, run_id: string | null = "run1"): ThreadEvent => ({ type, seq, thread_id: "t1", run_id, ts: "2026-01-01T00:00:00Z", data });

/** A run with many token chunks, as a fast model streams them. */
function fastRun(chunks: number): ThreadEvent[] {
  const out: ThreadEvent[] = [ev(1, "run.started"), ev(2, "task.started", { node: "llm", step: 0 })];
  for (let i = 0; i < chunks; i++) out.push(ev(out.length + 1, "messages", { content: `t${i} `, node: "llm" }));
  out.push(ev(out.length + 1, "task.finished", { node: "llm", step: 0, duration_ms: 5 }));
  out.push(ev(out.length + 1, "checkpoint.created", { checkpoint_id: "c1", parent_id: "c0", step: 0, source: "loop", next: [] }));
  out.push(ev(out.length + 1, "run.finished"));
  return out;
}

const oneByOne = (s: DebugState, events: ThreadEvent[]) => events.reduce(reduceEvent, s);

/** Cut `events` into frames of the given sizes (the last frame takes the rest). */
function frames(events: ThreadEvent[], sizes: number[]): ThreadEvent[][] {
  const out: ThreadEvent[][] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(events.slice(i, i + n));
    i += n;
  }
  if (i < events.length) out.push(events.slice(i));
  return out;
}

describe("reduceEvents over batches", () => {
  it("gives the same state as one event at a time, however the stream is cut", () => {
    const events = fastRun(40);
    const expected = oneByOne(initialDebugState(), events);
    for (const sizes of [[events.length], [1, 2, 3, 5, 8, 13], [20, 1, 20], [2, 2, 2, 2, 2, 2, 2]]) {
      const s = frames(events, sizes).reduce(reduceEvents, initialDebugState());
      expect(s).toEqual(expected);
    }
    expect(expected.tokens.byNode.llm).toBe(Array.from({ length: 40 }, (_, i) => `t${i} `).join(""));
    expect(expected.nodes.llm).toMatchObject({ status: "finished", durationMs: 5 });
    expect(expected.log).toHaveLength(events.length);
  });

  it("skips duplicates inside a batch and across batches (a replay overlapping live frames)", () => {
    const events = fastRun(5);
    const s1 = reduceEvents(initialDebugState(), events.slice(0, 6));
    const s2 = reduceEvents(s1, [...events.slice(3, 6), ...events.slice(4)]);
    expect(s2).toEqual(reduceEvents(initialDebugState(), events));
    expect(s2.log.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });

  it("holds events after a gap and applies them when a later batch fills it", () => {
    const events = fastRun(6);
    let s = reduceEvents(initialDebugState(), [events[0]!, events[1]!, events[5]!, events[6]!, events[4]!]);
    expect(s.lastSeq).toBe(2);
    expect(s.pending.map((e) => e.seq)).toEqual([5, 6, 7]);
    s = reduceEvents(s, [events[2]!, events[3]!]);
    expect(s.pending).toEqual([]);
    expect(s.lastSeq).toBe(7);
    expect(s.log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("returns the same object for a batch that changes nothing (no store update)", () => {
    const events = fastRun(3);
    const s = reduceEvents(initialDebugState(), events);
    expect(reduceEvents(s, events.slice(2, 5))).toBe(s);
    expect(reduceEvents(s, [])).toBe(s);
  });

  it("keeps the newest LOG_LIMIT events when a batch overflows the log", () => {
    const events = fastRun(LOG_LIMIT + 10);
    const s = reduceEvents(initialDebugState(), events);
    expect(s.log).toHaveLength(LOG_LIMIT);
    expect(s.log.at(-1)!.seq).toBe(events.length);
    expect(s.log[0]!.seq).toBe(events.length - LOG_LIMIT + 1);
    const cut = frames(events, [LOG_LIMIT - 3, 7]).reduce(reduceEvents, initialDebugState());
    expect(cut.log.map((e) => e.seq)).toEqual(s.log.map((e) => e.seq));
  });
});
