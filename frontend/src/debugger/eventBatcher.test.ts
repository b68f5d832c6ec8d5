import { describe, expect, it } from "vitest";
import type { ThreadEvent } from "../model/events";
import { createEventBatcher, type Schedule } from "./eventBatcher";
import { createDebuggerStore } from "./store";

const ev = (seq: number, type = "messages"): ThreadEvent => ({ type, seq, thread_id: "t", run_id: "r", ts: "", data: { content: `${seq}`, node: "llm" } });

/** A scheduler the test fires by hand. */
function manualSchedule(): { schedule: Schedule; fire: () => void; scheduled: () => number } {
  let queued: (() => void)[] = [];
  let count = 0;
  return {
    schedule: (cb) => {
      count += 1;
      queued.push(cb);
      return () => {
        queued = queued.filter((q) => q !== cb);
      };
    },
    fire: () => {
      const q = queued;
      queued = [];
      q.forEach((cb) => cb());
    },
    scheduled: () => count,
  };
}

describe("event batcher", () => {
  it("delivers everything that arrived before the next frame in one store update", () => {
    const api = createDebuggerStore("t");
    let updates = 0;
    api.subscribe(() => (updates += 1));
    const clock = manualSchedule();
    const b = createEventBatcher((events) => api.getState().receiveMany(events), clock.schedule);
    b.push([ev(1, "run.started")]);
    b.push([ev(2, "task.started")]);
    b.push([ev(3), ev(4), ev(5)]); // a batch frame
    expect(updates).toBe(0);
    expect(clock.scheduled()).toBe(1);
    clock.fire();
    expect(updates).toBe(1);
    expect(api.getState().debug.lastSeq).toBe(5);
    expect(api.getState().debug.tokens.text).toBe("345");
  });

  it("flushes on demand, schedules again for later events, and drops what waits on cancel", () => {
    const got: number[][] = [];
    const clock = manualSchedule();
    const b = createEventBatcher((events) => got.push(events.map((e) => e.seq)), clock.schedule);
    b.push([ev(1)]);
    b.flush();
    b.push([]);
    clock.fire(); // the flush cancelled the frame it had scheduled
    b.push([ev(2), ev(3)]);
    clock.fire();
    b.push([ev(4)]);
    b.cancel();
    clock.fire();
    expect(got).toEqual([[1], [2, 3]]);
  });
});
