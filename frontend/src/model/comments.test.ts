import { describe, expect, it } from "vitest";
import { commentCounts, commentFromEvent, commentsAt, mergeComments, type CheckpointComment } from "./comments";
import { describeEvent, initialDebugState, reduceEvents, type ThreadEvent } from "./events";

const c = (id: number, checkpoint_id: string, created_at: string, body = `c${id}`): CheckpointComment => ({
  id,
  checkpoint_id,
  author: "ann",
  body,
  created_at,
});

describe("comments", () => {
  it("parses comment.created data and refuses anything else", () => {
    expect(commentFromEvent({ id: 3, thread_id: "t", checkpoint_id: "cp1", author: null, body: "hi", created_at: "2026-01-01T00:00:00Z" })).toEqual({
      id: 3,
      thread_id: "t",
      checkpoint_id: "cp1",
      author: null,
      body: "hi",
      created_at: "2026-01-01T00:00:00Z",
    });
    expect(commentFromEvent({ id: "3", checkpoint_id: "cp1", body: "hi" })).toBeNull();
    expect(commentFromEvent([1])).toBeNull();
    expect(commentFromEvent(null)).toBeNull();
  });

  it("merges fetched and live comments once each, oldest first", () => {
    const fetched = [c(2, "a", "2026-01-01T00:00:02Z"), c(1, "a", "2026-01-01T00:00:01Z")];
    const live = [c(2, "a", "2026-01-01T00:00:02Z"), c(3, "b", "2026-01-01T00:00:03Z")];
    expect(mergeComments(fetched, live).map((x) => x.id)).toEqual([1, 2, 3]);
    expect(commentsAt(mergeComments(fetched, live), "a").map((x) => x.id)).toEqual([1, 2]);
    expect(commentsAt(fetched, null)).toEqual([]);
    expect(commentCounts(mergeComments(fetched, live))).toEqual(new Map([["a", 2], ["b", 1]]));
  });

  it("folds comment.created events into the debug state, ignoring duplicates", () => {
    const data = { id: 7, thread_id: "t1", checkpoint_id: "cp9abcdef01", author: "bob", body: "<b>not html</b>", created_at: "2026-01-01T00:00:00Z" };
    const ev = (seq: number): ThreadEvent => ({ type: "comment.created", seq, thread_id: "t1", run_id: null, ts: "2026-01-01T00:00:00Z", data });
    const s = reduceEvents(initialDebugState(), [ev(1), ev(2)]);
    expect(s.comments).toHaveLength(1);
    expect(s.comments[0]!.body).toBe("<b>not html</b>");
    expect(s.log).toHaveLength(2);
    expect(describeEvent(ev(1))).toBe("comment by bob on checkpoint …abcdef01");
  });
});
