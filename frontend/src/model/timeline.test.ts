import { describe, expect, it } from "vitest";
import { layoutTimeline, type TimelineInput } from "./timeline";

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

  it("reuses a lane once its branch is over and handles unknown parents", () => {
    const l = layoutTimeline([cp("a", null, 1), cp("b", "a", 2), cp("x", "a", 3), cp("y", "a", 4), cp("z", "gone", 5)]);
    const byId = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(byId.x!.lane).toBe(1);
    expect(byId.y!.lane).toBe(1); // lane 1 is free again after x
    expect(byId.z!.lane).toBe(0); // unknown parent: a new root, first free lane
    expect(layoutTimeline([])).toEqual({ nodes: [], links: [], lanes: 0, heads: [] });
  });
});
