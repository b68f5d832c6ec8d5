import { describe, expect, it } from "vitest";
import { findRouteEdge, parsePointer, problemTarget } from "./pointer";
import { specToCanvas } from "./convert";
import { setRouteDefault } from "./canvasOps";
import { supportTriage } from "./__fixtures__/specs";

describe("parsePointer", () => {
  it("splits and unescapes RFC 6901 pointers", () => {
    expect(parsePointer("")).toEqual([]);
    expect(parsePointer("/nodes/0/config/a~1b~0c")).toEqual(["nodes", "0", "config", "a/b~c"]);
    expect(parsePointer("#/edges/1")).toEqual(["edges", "1"]);
  });
});

describe("problemTarget", () => {
  const spec = supportTriage();
  it("resolves nodes, edges, fan-outs and state fields", () => {
    expect(problemTarget("/nodes/2/config/model", spec)).toEqual({ type: "node", id: "draft" });
    expect(problemTarget("/edges/1", spec)).toEqual({ type: "edge", id: "e2" });
    expect(problemTarget("/fanouts/0/items", spec)).toEqual({ type: "edge", id: "f1" });
    expect(problemTarget("/state/fields/1/reducer", spec)).toEqual({ type: "state-field", index: 1, name: "category" });
    expect(problemTarget("/breakpoints/before/0", spec)).toEqual({ type: "node", id: "review" });
  });

  it("resolves route branches and falls back to the route's source", () => {
    expect(problemTarget("/routes/0/branches/1/when", spec)).toEqual({ type: "route-branch", routeId: "r1", branch: 1 });
    expect(problemTarget("/routes/0/default", spec)).toEqual({ type: "route-branch", routeId: "r1", branch: "default" });
    expect(problemTarget("/routes/0", spec)).toEqual({ type: "node", id: "classify" });
  });

  it("points at the whole graph for anything else", () => {
    expect(problemTarget("/nodes/99", spec)).toEqual({ type: "graph" });
    expect(problemTarget("/name", spec)).toEqual({ type: "graph" });
    expect(problemTarget("", spec)).toEqual({ type: "graph" });
  });
});

describe("findRouteEdge", () => {
  it("finds branches in spec order even after the default moved", () => {
    const doc = specToCanvas(supportTriage());
    expect(findRouteEdge(doc.edges, "r1", 1)!.target).toBe("custom1");
    expect(findRouteEdge(doc.edges, "r1", "default")!.target).toBe("draft");
    const bug = doc.edges.find((e) => e.target === "engineer")!;
    const moved = setRouteDefault(doc, bug.id);
    expect(findRouteEdge(moved.edges, "r1", 0)!.target).toBe("custom1");
    expect(findRouteEdge(moved.edges, "r1", 1)!.target).toBe("draft");
    expect(findRouteEdge(moved.edges, "r1", "default")!.target).toBe("engineer");
  });
});
