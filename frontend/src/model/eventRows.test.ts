import { describe, expect, it } from "vitest";
import type { ThreadEvent } from "./events";
import { eventRows } from "./eventRows";

const ev = (seq: number, type: string, data: unknown = {}): ThreadEvent => ({ type, seq, thread_id: "t", run_id: "r", ts: "", data });
const chunk = (seq: number, id: string | undefined, content: string, node = "draft") =>
  ev(seq, "messages", { ns: [], chunk: { type: "AIMessageChunk", ...(id ? { id } : {}), content }, metadata: { langgraph_node: node } });

describe("eventRows", () => {
  it("joins a message's token chunks into one row, even when other events come between", () => {
    const rows = eventRows([
      ev(1, "task.started", { name: "draft" }),
      chunk(2, "m1", "Hello"),
      chunk(3, "m2", "Hi", "other"),
      chunk(4, "m1", "! Thanks"),
      ev(5, "task.finished", { name: "draft" }),
    ]);
    expect(rows.map((r) => (r.kind === "message" ? [r.kind, r.text, r.chunks, r.node, r.event.seq, r.lastSeq] : [r.kind, r.event.seq]))).toEqual([
      ["event", 1],
      ["message", "Hello! Thanks", 2, "draft", 2, 4],
      ["message", "Hi", 1, "other", 3, 3],
      ["event", 5],
    ]);
  });

  it("joins id-less chunks of one node in a row, and splits them at another event", () => {
    const rows = eventRows([chunk(1, undefined, "a"), chunk(2, undefined, "b"), ev(3, "values"), chunk(4, undefined, "c")]);
    expect(rows.map((r) => (r.kind === "message" ? r.text : r.event.type))).toEqual(["ab", "values", "c"]);
  });

  it("60 chunks of one message are one row", () => {
    const rows = eventRows(Array.from({ length: 60 }, (_, i) => chunk(i + 1, "m", "t")));
    expect(rows).toHaveLength(1);
  });
});
