import { describe, expect, it } from "vitest";
import { layoutGraph } from "./layout";

describe("layoutGraph", () => {
  it("places a chain left to right without overlaps", () => {
    const nodes = ["a", "b", "c"].map((id) => ({ id, width: 180, height: 60 }));
    const pos = layoutGraph(nodes, [
      { source: "a", target: "b" },
      { source: "b", target: "c" },
    ]);
    expect(pos.a!.x).toBeLessThan(pos.b!.x);
    expect(pos.b!.x).toBeLessThan(pos.c!.x);
    expect(pos.b!.x - pos.a!.x).toBeGreaterThanOrEqual(180);
  });

  it("stacks siblings and ignores edges to unknown nodes and self-loops", () => {
    const nodes = ["r", "x", "y"].map((id) => ({ id, width: 100, height: 40 }));
    const pos = layoutGraph(nodes, [
      { source: "r", target: "x" },
      { source: "r", target: "y" },
      { source: "r", target: "ghost" },
      { source: "x", target: "x" },
    ]);
    expect(pos.x!.x).toBe(pos.y!.x);
    expect(Math.abs(pos.x!.y - pos.y!.y)).toBeGreaterThanOrEqual(40);
    expect(Object.keys(pos).sort()).toEqual(["r", "x", "y"]);
  });
});
