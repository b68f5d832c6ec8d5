import { describe, expect, it } from "vitest";
import { specToCanvas } from "../model/convert";
import type { GraphSpec } from "../model/graphspec";
import { forgetPresetHandles, measuredIds, STEP_NODE_SIZE, TERMINAL_SIZE, withFrame, withFrames } from "./frames";

const spec: GraphSpec = {
  spec_version: 1,
  name: "g",
  state: [],
  nodes: [{ id: "a", kind: "llm", config: {} }],
  edges: [
    { id: "e1", source: "__start__", target: "a" },
    { id: "e2", source: "a", target: "__end__" },
  ],
} as unknown as GraphSpec;

describe("node frames", () => {
  it("gives every node its view's size and handle boxes, so React Flow can draw edges without measuring", () => {
    const nodes = withFrames(specToCanvas(spec).nodes);
    const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
    expect(byId.a!.measured).toEqual(STEP_NODE_SIZE);
    expect(byId.a!.handles?.map((h) => h.type)).toEqual(["target", "source"]);
    // Edges meet the node in the middle of its height, on its left and right edges.
    const [target, source] = byId.a!.handles!;
    expect(target!.y + target!.height! / 2).toBe(STEP_NODE_SIZE.height / 2);
    expect(source!.x + source!.width!).toBe(STEP_NODE_SIZE.width + 4);
    expect(byId.__start__!.measured).toEqual(TERMINAL_SIZE);
    expect(byId.__start__!.handles?.map((h) => h.type)).toEqual(["source"]);
    expect(byId.__end__!.handles?.map((h) => h.type)).toEqual(["target"]);
  });

  it("leaves measured nodes alone and returns the same array when nothing changes", () => {
    const framed = withFrames(specToCanvas(spec).nodes);
    expect(withFrames(framed)).toBe(framed);
    const measured = { ...framed[1]!, handles: undefined, measured: { width: 230, height: 70 } };
    expect(withFrame(measured)).toBe(measured);
  });

  it("drops preset handles of nodes React Flow measured at another size", () => {
    const framed = withFrames(specToCanvas(spec).nodes);
    const ids = measuredIds([{ type: "dimensions", id: "a" }, { type: "select", id: "__end__" }]);
    expect([...ids]).toEqual(["a"]);
    const after = forgetPresetHandles(framed, ids);
    expect(after.find((n) => n.id === "a")!.handles).toBeUndefined();
    expect(after.find((n) => n.id === "__end__")).toBe(framed.find((n) => n.id === "__end__"));
    expect(forgetPresetHandles(framed, new Set())).toBe(framed);
  });
});
