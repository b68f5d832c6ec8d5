import { describe, expect, it } from "vitest";
import type { StateSnapshot } from "../api/types";
import type { ThreadEvent } from "./events";
import { nodeStatusesAt, statusesFromHistory, statusesFromLog } from "./statusAt";

let seq = 0;
const ev = (type: string, run_id: string | null, data: unknown = {}): ThreadEvent => ({ type, seq: ++seq, thread_id: "t", run_id, ts: "2026-01-01T00:00:00Z", data });
// The engine's stream shapes, as the server sends them.
const started = (run: string, name: string, step: number) => ev("task.started", run, { ns: [], id: `${run}-${name}`, name, step });
const finished = (run: string, name: string, step: number, interrupts: unknown[] = []) =>
  ev("task.finished", run, { ns: [], id: `${run}-${name}`, name, step, interrupts, duration_ms: 3 });
const checkpoint = (run: string | null, id: string, step: number, next: string[]) =>
  ev("checkpoint.created", run, { ns: [], checkpoint: { config: { configurable: { checkpoint_id: id } }, metadata: { step, source: step < 0 ? "input" : "loop" }, next } });

/** Run 1: classify, draft, then review waits. Run 2 (after approval): review, send. */
function twoRuns(): ThreadEvent[] {
  seq = 0;
  return [
    ev("run.started", "r1"),
    checkpoint("r1", "c-1", -1, ["classify"]),
    started("r1", "classify", 0),
    finished("r1", "classify", 0),
    checkpoint("r1", "c0", 0, ["draft"]),
    started("r1", "draft", 1),
    finished("r1", "draft", 1),
    checkpoint("r1", "c1", 1, ["review"]),
    started("r1", "review", 2),
    ev("interrupt", "r1", { ns: [], interrupt: { id: "i1", value: { node: "review" } } }),
    finished("r1", "review", 2, [{ id: "i1" }]),
    ev("run.finished", "r1", { status: "interrupted" }),
    ev("review.resolved", "r1", { by: "bob", decision: "approve", interrupt_id: "i1" }),
    ev("run.started", "r2"),
    started("r2", "review", 2),
    finished("r2", "review", 2),
    checkpoint("r2", "c2", 2, ["send"]),
    started("r2", "send", 3),
    ev("task.failed", "r2", { ns: [], id: "r2-send", name: "send", error: { message: "SMTP down" } }),
    ev("run.failed", "r2", { error: { message: "SMTP down" } }),
  ];
}

const statuses = (s: Record<string, { status: string }> | null) => (s ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.status])) : null);

describe("node statuses as of a checkpoint", () => {
  it("replays the run that wrote an earlier step, up to that step", () => {
    const log = twoRuns();
    expect(statuses(statusesFromLog(log, "c-1"))).toEqual({});
    expect(statuses(statusesFromLog(log, "c0"))).toEqual({ classify: "finished" });
    // c1 is r1's last checkpoint: the step after it, where the run paused, shows too.
    expect(statuses(statusesFromLog(log, "c1"))).toEqual({ classify: "finished", draft: "finished", review: "waiting" });
  });

  it("shows a later run's own nodes, including how its last step ended", () => {
    const log = twoRuns();
    expect(statuses(statusesFromLog(log, "c2"))).toEqual({ review: "finished", send: "failed" });
    expect(statusesFromLog(log, "c2")!.send!.error).toBe("SMTP down");
  });

  it("stops at the checkpoint when the run went on past it", () => {
    seq = 0;
    const log = [
      ev("run.started", "r"),
      started("r", "a", 0),
      finished("r", "a", 0),
      checkpoint("r", "ca", 0, ["b"]),
      started("r", "b", 1),
      finished("r", "b", 1),
      checkpoint("r", "cb", 1, []),
      ev("run.finished", "r", { status: "success" }),
    ];
    expect(statuses(statusesFromLog(log, "ca"))).toEqual({ a: "finished" });
    expect(statuses(statusesFromLog(log, "cb"))).toEqual({ a: "finished", b: "finished" });
  });

  it("says nothing for checkpoints the log lacks or no run wrote", () => {
    const log = [...twoRuns(), checkpoint(null, "edit", 2, ["send"])];
    expect(statusesFromLog(log, "missing")).toBeNull();
    expect(statusesFromLog(log, "edit")).toBeNull();
  });
});

function snap(id: string, parent: string | null, step: number, nodes: string[], tasks: StateSnapshot["tasks"] = []): StateSnapshot {
  return {
    values: {},
    next: [],
    checkpoint: { thread_id: "t", checkpoint_ns: "", checkpoint_id: id },
    parent_checkpoint: parent ? { thread_id: "t", checkpoint_ns: "", checkpoint_id: parent } : null,
    metadata: { step, source: step < 0 ? "input" : "loop", nodes },
    created_at: "2026-01-01T00:00:00Z",
    tasks,
  };
}

describe("node statuses from the history", () => {
  const history = [
    snap("c2", "c1", 1, ["draft"], [{ id: "t", name: "review", interrupts: [{ id: "i", value: {} }] as never, error: null }]),
    snap("c1", "c0", 0, ["classify"]),
    snap("c0", null, -1, []),
    snap("other", "c1", 1, ["escalate"]),
  ];

  it("marks the nodes of the steps on the way to the checkpoint finished, and its pending tasks", () => {
    expect(statuses(statusesFromHistory(history, "c2"))).toEqual({ draft: "finished", classify: "finished", review: "waiting" });
    expect(statuses(statusesFromHistory(history, "c1"))).toEqual({ classify: "finished" });
    // A sibling branch is not on the way.
    expect(statuses(statusesFromHistory(history, "other"))).toEqual({ escalate: "finished", classify: "finished" });
  });

  it("is used when the log does not know the checkpoint", () => {
    expect(statuses(nodeStatusesAt([], history, "c1"))).toEqual({ classify: "finished" });
    const log = twoRuns();
    expect(statuses(nodeStatusesAt(log, history, "c0"))).toEqual({ classify: "finished" });
  });
});
