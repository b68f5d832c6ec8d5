import { describe, expect, it } from "vitest";
import { checkpointName, layoutTimeline, type TimelineInput } from "./timeline";

const cp = (id: string, parentId: string | null, minute: number, step = 0, source = "loop"): TimelineInput => ({
  id,
  parentId,
  step,
  source,
  createdAt: `2026-01-01T00:${String(minute).padStart(2, "0")}:00Z`,
});

describe("layoutTimeline", () => {
  it("puts a linear history on one lane in time order", () => {
    const l = layoutTimeline([cp("c", "b", 3), cp("b", "a", 2), cp("a", null, 1)]);
    expect(l.nodes.map((n) => [n.id, n.column, n.lane])).toEqual([
      ["a", 0, 0],
      ["b", 1, 0],
      ["c", 2, 0],
    ]);
    expect(l.lanes).toBe(1);
    expect(l.heads).toEqual(["c"]);
    expect(l.links.every((x) => !x.fork)).toBe(true);
  });

  it("opens a new lane for a fork and lists both heads", () => {
    // a → b → c, then someone edited state at b: b → d (fork), d → e
    const l = layoutTimeline([cp("e", "d", 5), cp("d", "b", 4, 1, "fork"), cp("c", "b", 3), cp("b", "a", 2), cp("a", null, 1)]);
    const byId = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(byId.c!.lane).toBe(0);
    expect(byId.d!.lane).toBe(1);
    expect(byId.d!.isForkStart).toBe(true);
    expect(byId.e!.lane).toBe(1);
    expect(l.lanes).toBe(2);
    expect(l.links).toContainEqual({ from: "b", to: "d", fork: true });
    expect(l.heads).toEqual(["e", "c"]);
  });

  it("gives every fork and unknown-parent root a row of its own", () => {
    const l = layoutTimeline([cp("a", null, 1), cp("b", "a", 2), cp("x", "a", 3), cp("y", "a", 4), cp("y2", "y", 5), cp("w", "b", 6), cp("z", "gone", 7)]);
    const byId = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect([byId.a!.lane, byId.b!.lane]).toEqual([0, 0]);
    expect(byId.x!.lane).toBe(1);
    expect(byId.y!.lane).toBe(2); // not back on x's row, even though x's branch is over
    expect(byId.y2!.lane).toBe(2);
    expect(byId.w!.lane).toBe(0); // b's first child continues its row
    expect(byId.z!.lane).toBe(3);
    expect(l.lanes).toBe(4);
    // One checkpoint per column, so a fork's line (down from its parent, then along its row) never crosses a dot.
    expect(new Set(l.nodes.map((n) => n.column)).size).toBe(l.nodes.length);
    expect(layoutTimeline([])).toEqual({ nodes: [], links: [], lanes: 0, heads: [] });
  });
});

describe("checkpointName", () => {
  it("tells apart checkpoints of the same step on different branches", () => {
    const l = layoutTimeline([cp("aaaa01", null, 1), cp("aaaa02", "aaaa01", 2, 2), cp("aaaa03", "aaaa01", 3, 2), cp("aaaa04", "aaaa01", 4, 2)]);
    const names = l.nodes.map((n) => checkpointName(n, () => "12:00"));
    expect(new Set(names).size).toBe(names.length);
    expect(names[2]).toBe("Checkpoint at step 2 (loop), branch 2, fork start, 12:00, id …aaaa03");
    expect(names[1]).toBe("Checkpoint at step 2 (loop), branch 1, 12:00, id …aaaa02");
  });
});
