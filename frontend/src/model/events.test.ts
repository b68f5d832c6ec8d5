import { describe, expect, it } from "vitest";
import {
  applyEvent,
  describeEvent,
  flushPending,
  initialDebugState,
  reduceEvent,
  reduceEvents,
  tokenChunk,
  type ThreadEvent,
} from "./events";

let seq = 0;
function ev(type: string, data: unknown = {}, run_id: string | null = "run1", s?: number): ThreadEvent {
  seq = s ?? seq + 1;
  return { type, seq, thread_id: "t1", run_id, ts: "2026-01-01T00:00:00Z", data };
}

function happyRun(): ThreadEvent[] {
  seq = 0;
  return [
    ev("run.created"),
    ev("run.started"),
    ev("checkpoint.created", { checkpoint_id: "c0", parent_id: null, step: -1, source: "input", next: ["classify"] }),
    ev("task.started", { node: "classify", step: 0, task_id: "k1" }),
    ev("messages", { content: "Hel", node: "classify" }),
    ev("messages", [{ content: "lo" }, { langgraph_node: "classify" }]),
    ev("task.finished", { node: "classify", step: 0, task_id: "k1", duration_ms: 12 }),
    ev("values", { category: "bug" }),
    ev("checkpoint.created", { checkpoint_id: "c1", parent_id: "c0", step: 0, source: "loop", next: ["review"] }),
    ev("task.started", { node: "review", step: 1, task_id: "k2" }),
    ev("interrupt", { id: "i1", node: "review", value: { title: "Approve?", form: { type: "object" } } }),
    ev("run.finished"),
  ];
}

describe("reduceEvent", () => {
  it("derives node status, tokens, checkpoints and interrupts from a run", () => {
    const s = reduceEvents(initialDebugState(), happyRun());
    expect(s.lastSeq).toBe(12);
    expect(s.nodes.classify).toMatchObject({ status: "finished", durationMs: 12, step: 0 });
    expect(s.nodes.review!.status).toBe("waiting");
    expect(s.tokens.text).toBe("Hello");
    expect(s.tokens.byNode.classify).toBe("Hello");
    expect(s.checkpoints.map((c) => [c.checkpointId, c.parentId, c.step])).toEqual([
      ["c0", null, -1],
      ["c1", "c0", 0],
    ]);
    expect(s.interrupts).toHaveLength(1);
    expect(s.interrupts[0]).toMatchObject({ id: "i1", node: "review" });
    expect(s.runStatus).toBe("waiting");
    expect(s.values).toEqual({ category: "bug" });
    expect(s.log).toHaveLength(12);
  });

  it("ignores duplicates (same or older seq) and returns the same object", () => {
    const events = happyRun();
    const s = reduceEvents(initialDebugState(), events);
    expect(reduceEvent(s, events[4]!)).toBe(s);
    const twice = reduceEvents(s, events);
    expect(twice).toBe(s);
    expect(twice.tokens.text).toBe("Hello");
  });

  it("holds early events until the gap fills, then applies them in order", () => {
    const events = happyRun();
    const shuffled = [events[0]!, events[3]!, events[2]!, events[1]!, ...events.slice(4)];
    let s = initialDebugState();
    s = reduceEvent(s, shuffled[0]!);
    s = reduceEvent(s, shuffled[1]!);
    expect(s.lastSeq).toBe(1);
    expect(s.pending.map((e) => e.seq)).toEqual([4]);
    expect(s.nodes.classify).toBeUndefined();
    s = reduceEvents(s, shuffled.slice(2));
    expect(s.pending).toEqual([]);
    expect(s).toEqual(reduceEvents(initialDebugState(), events));
  });

  it("a pending duplicate is buffered once", () => {
    const events = happyRun();
    let s = reduceEvent(initialDebugState(), events[0]!);
    s = reduceEvent(s, events[5]!);
    s = reduceEvent(s, events[5]!);
    expect(s.pending).toHaveLength(1);
  });

  it("flushPending applies everything waiting when a gap will never fill", () => {
    const events = happyRun();
    let s = reduceEvent(initialDebugState(), events[0]!);
    s = reduceEvents(s, events.slice(3, 7));
    s = flushPending(s);
    expect(s.pending).toEqual([]);
    expect(s.lastSeq).toBe(7);
    expect(s.nodes.classify!.status).toBe("finished");
  });

  it("resumes after a given sequence number", () => {
    const events = happyRun();
    const s = reduceEvents(initialDebugState(6), events);
    expect(s.log.map((e) => e.seq)).toEqual([7, 8, 9, 10, 11, 12]);
  });

  it("marks failed tasks and runs with their errors", () => {
    seq = 0;
    const s = reduceEvents(initialDebugState(), [
      ev("run.started"),
      ev("task.started", { node: "http", step: 0 }),
      ev("task.failed", { node: "http", step: 0, error: { message: "timeout" } }),
      ev("run.failed", { error: "boom" }),
    ]);
    expect(s.nodes.http).toMatchObject({ status: "failed", error: "timeout" });
    expect(s.runStatus).toBe("failed");
    expect(s.runError).toBe("boom");
  });

  it("a review resolves its interrupt and the run continues", () => {
    let s = reduceEvents(initialDebugState(), happyRun());
    s = reduceEvent(s, ev("review.resolved", { by: "alice", decision: "approve", interrupt_id: "i1" }, "run1", 13));
    expect(s.interrupts).toEqual([]);
    expect(s.nodes.review!.status).toBe("idle");
    expect(s.reviews).toEqual([{ by: "alice", decision: "approve", seq: 13, interruptId: "i1" }]);
  });

  it("a resumed run keeps the lineage's node statuses; a checkpoint on another branch drops them", () => {
    let s = reduceEvents(initialDebugState(), happyRun());
    s = reduceEvent(s, ev("run.started", {}, "run2", 13));
    expect(s.runId).toBe("run2");
    expect(s.nodes.classify?.status).toBe("finished"); // "Classify" stays green after Continue
    expect(s.tokens.text).toBe("");
    expect(s.checkpoints).toHaveLength(2);
    // The resumed run continues from the head (c1): still the same lineage.
    s = reduceEvents(s, [
      ev("task.started", { node: "review", step: 1 }, "run2", 14),
      ev("task.finished", { node: "review", step: 1 }, "run2", 15),
      ev("checkpoint.created", { checkpoint_id: "c2", parent_id: "c1", step: 1, source: "loop", next: [] }, "run2", 16),
      ev("run.finished", {}, "run2", 17),
    ]);
    expect(s.nodes.classify?.status).toBe("finished");
    expect(s.nodes.review?.status).toBe("finished");
    // A re-run from c0: its first checkpoint's parent is not the head, so only its own nodes stay.
    s = reduceEvents(s, [
      ev("run.started", {}, "run3", 18),
      ev("task.started", { node: "classify", step: 0 }, "run3", 19),
      ev("task.finished", { node: "classify", step: 0 }, "run3", 20),
      ev("checkpoint.created", { checkpoint_id: "c3", parent_id: "c0", step: 0, source: "loop", next: ["review"] }, "run3", 21),
    ]);
    expect(Object.keys(s.nodes)).toEqual(["classify"]);
    expect(s.checkpoints).toHaveLength(4);
  });

  it("keeps one entry per streamed message with its node and the model from the finished message", () => {
    let s = initialDebugState();
    seq = 0;
    const chunk = (id: string, content: string, node: string) => ev("messages", { ns: [], chunk: { type: "AIMessageChunk", id, content }, metadata: { langgraph_node: node } });
    s = reduceEvents(s, [
      ev("run.started"),
      chunk("m1", "question", "classify"),
      chunk("m2", "Hello", "draft"),
      chunk("m2", "! Thanks", "draft"),
      ev("task.finished", { ns: [], name: "draft", result: { messages: [{ role: "assistant", id: "m2", content: "Hello! Thanks", response_metadata: { provider: "fake", model: "fake-1" } }] } }),
    ]);
    expect(s.tokens.messages.map((m) => [m.id, m.node, m.text, m.chunks, m.provider ?? null, m.model ?? null])).toEqual([
      ["m1", "classify", "question", 1, null, null],
      ["m2", "draft", "Hello! Thanks", 2, "fake", "fake-1"],
    ]);
    expect(s.tokens.byNode).toEqual({ classify: "question", draft: "Hello! Thanks" });
  });

  it("a new run drops earlier runs' open interrupts; a resumed run raises the unanswered ones again", () => {
    let s = reduceEvents(initialDebugState(), happyRun());
    expect(s.interrupts.map((i) => i.id)).toEqual(["i1"]);
    // A fork from an earlier checkpoint: the old branch's question is not pending any more.
    s = reduceEvents(s, [ev("run.created", {}, "run2", 13), ev("run.started", {}, "run2", 14)]);
    expect(s.interrupts).toEqual([]);
    expect(s.runStatus).toBe("running");
    // The fork reaches the review again: a new question, from this run.
    s = reduceEvent(s, ev("interrupt", { id: "i2", node: "review", value: {} }, "run2", 15));
    expect(s.interrupts.map((i) => [i.id, i.runId])).toEqual([["i2", "run2"]]);
    expect(s.runStatus).toBe("waiting");
  });

  it("cancel stops running nodes", () => {
    seq = 0;
    const s = reduceEvents(initialDebugState(), [ev("run.started"), ev("task.started", { node: "a" }), ev("run.cancelled")]);
    expect(s.runStatus).toBe("cancelled");
    expect(s.nodes.a!.status).toBe("idle");
  });

  it("does not duplicate a checkpoint announced twice under different seqs", () => {
    seq = 0;
    const c = { checkpoint_id: "c9", step: 1 };
    const s = reduceEvents(initialDebugState(), [ev("checkpoint.created", c), ev("checkpoint.created", c)]);
    expect(s.checkpoints).toHaveLength(1);
  });

  it("applyEvent tolerates malformed data", () => {
    const s = applyEvent(initialDebugState(), { type: "task.started", seq: 1, thread_id: "t", run_id: null, ts: "", data: null });
    expect(s.lastSeq).toBe(1);
    expect(s.nodes).toEqual({});
  });
});

describe("tokenChunk and describeEvent", () => {
  it("reads the token shapes servers send", () => {
    expect(tokenChunk({ delta: "a", node: "n" })).toEqual({ text: "a", node: "n" });
    expect(tokenChunk({ content: [{ type: "text", text: "b" }] })).toEqual({ text: "b", node: undefined });
    expect(tokenChunk([{ content: "c" }, { langgraph_node: "m" }])).toEqual({ text: "c", node: "m" });
    expect(tokenChunk({})).toBeNull();
  });

  it("describes events in words", () => {
    seq = 0;
    expect(describeEvent(ev("task.finished", { node: "a", duration_ms: 5 }))).toBe("a finished in 5 ms");
    expect(describeEvent(ev("interrupt", { node: "review" }))).toBe("review is waiting for review");
  });
});

describe("engine-shaped payloads (builder.execution.driver.stream_part_events)", () => {
  function e(seq: number, type: string, data: unknown, ts = "2026-01-01T00:00:00.000Z"): ThreadEvent {
    return { type, seq, thread_id: "t1", run_id: "run9", ts, data };
  }

  it("reads tasks, checkpoints, interrupts, messages and values wrapped with their namespace", () => {
    const s = reduceEvents(initialDebugState(), [
      e(1, "run.created", {}),
      e(2, "checkpoint.created", {
        ns: [],
        checkpoint: {
          config: { configurable: { thread_id: "t1", checkpoint_ns: "", checkpoint_id: "c1" } },
          parent_config: { configurable: { checkpoint_id: "c0" } },
          metadata: { source: "loop", step: 0 },
          next: ["draft"],
          values: {},
        },
      }),
      e(3, "task.started", { ns: [], id: "k1", name: "draft", input: {}, triggers: [] }, "2026-01-01T00:00:01.000Z"),
      e(4, "messages", { ns: [], chunk: { content: "Hi", type: "AIMessageChunk" }, metadata: { langgraph_node: "draft" } }),
      e(5, "task.finished", { ns: [], id: "k1", name: "draft", error: null, result: {}, interrupts: [] }, "2026-01-01T00:00:01.250Z"),
      e(6, "task.started", { ns: ["sub:1"], id: "k2", name: "inner", input: {} }),
      e(7, "values", { ns: [], data: { draft: "Hi" } }),
      e(8, "task.started", { ns: [], id: "k3", name: "review", input: {} }),
      e(9, "interrupt", { ns: [], interrupt: { id: "i9", value: { kind: "human", node: "review", title: "OK?" } } }),
      e(10, "task.finished", { ns: [], id: "k3", name: "review", error: null, result: {}, interrupts: [{ id: "i9" }] }),
    ]);
    expect(s.checkpoints).toEqual([{ checkpointId: "c1", parentId: "c0", step: 0, source: "loop", next: ["draft"], runId: "run9", seq: 2 }]);
    expect(s.nodes.draft).toMatchObject({ status: "finished", taskId: "k1", durationMs: 250 });
    expect(s.nodes.inner).toBeUndefined();
    expect(s.tokens.byNode.draft).toBe("Hi");
    expect(s.values).toEqual({ draft: "Hi" });
    expect(s.interrupts).toEqual([{ id: "i9", node: "review", value: { kind: "human", node: "review", title: "OK?" }, runId: "run9", seq: 9 }]);
    expect(s.nodes.review!.status).toBe("waiting");
    expect(s.runStatus).toBe("waiting");
  });

  it("treats a run that finished 'interrupted' without interrupts as paused", () => {
    const s = reduceEvents(initialDebugState(), [e(1, "run.started", {}), e(2, "run.finished", { run_id: "run9", status: "interrupted" })]);
    expect(s.runStatus).toBe("waiting");
    expect(reduceEvent(s, e(3, "run.finished", { status: "success" })).runStatus).toBe("finished");
  });

  it("falls back to the running node when an interrupt does not name one, and reads string errors", () => {
    const s = reduceEvents(initialDebugState(), [
      e(1, "task.started", { ns: [], id: "k", name: "gate" }),
      e(2, "interrupt", { ns: [], interrupt: { id: "i1", value: "continue?" } }),
      e(3, "task.started", { ns: [], id: "k2", name: "call" }),
      e(4, "task.failed", { ns: [], id: "k2", name: "call", error: "ValueError: boom", result: null }),
    ]);
    expect(s.interrupts[0]).toMatchObject({ id: "i1", node: "gate", value: "continue?" });
    expect(s.nodes.gate!.status).toBe("waiting");
    expect(s.nodes.call).toMatchObject({ status: "failed", error: "ValueError: boom" });
    expect(describeEvent(e(5, "task.failed", { ns: [], name: "call", error: "ValueError: boom" }))).toBe("call failed: ValueError: boom");
    expect(describeEvent(e(6, "checkpoint.created", { ns: ["sub:1"], checkpoint: {} }))).toBe("checkpoint (subgraph)");
  });
});
