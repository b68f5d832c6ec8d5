import { describe, expect, it } from "vitest";
import { canvasToSpec, specToCanvas, TERMINAL_POSITIONS_KEY } from "./convert";
import { emptySpec, END, START, type GraphSpec } from "./graphspec";
import type { FanoutEdge, RouteEdge, StepNode } from "./canvas";
import { supportTriage } from "./__fixtures__/specs";

describe("specToCanvas", () => {
  it("adds START and END nodes at their saved positions", () => {
    const doc = specToCanvas(supportTriage());
    const start = doc.nodes.find((n) => n.id === START)!;
    const end = doc.nodes.find((n) => n.id === END)!;
    expect(start.type).toBe("start");
    expect(start.position).toEqual({ x: -100, y: 40 });
    expect(end.type).toBe("end");
    expect(end.position).toEqual({ x: 1100, y: 100 });
    expect(doc.meta.metadata).toEqual({ tags: ["demo"] });
  });

  it("keys node data on the node kind and keeps unknown kinds verbatim", () => {
    const doc = specToCanvas(supportTriage());
    const classify = doc.nodes.find((n) => n.id === "classify") as StepNode;
    expect(classify.data.kind).toBe("llm");
    if (classify.data.kind === "llm") expect(classify.data.config.model).toBe("fake-1");
    expect(classify.data.retry?.max_attempts).toBe(3);
    expect(classify.position).toEqual({ x: 120, y: 40 });
    const other = doc.nodes.find((n) => n.id === "custom1") as StepNode;
    expect(other.data.kind).toBe("other");
    if (other.data.kind === "other") expect(other.data.specKind).toBe("vector_search");
  });

  it("draws route branches as labelled edges sharing the route id, default last", () => {
    const doc = specToCanvas(supportTriage());
    const routes = doc.edges.filter((e): e is RouteEdge => e.type === "route");
    expect(routes.map((e) => [e.target, e.label, e.data?.isDefault])).toEqual([
      ["engineer", "bug", false],
      ["custom1", "search", false],
      ["draft", "default", true],
    ]);
    expect(new Set(routes.map((e) => e.data?.routeId))).toEqual(new Set(["r1"]));
    expect(routes[0]!.data?.when).toBe("state.category == 'bug'");
  });

  it("draws fan-outs as their own edge type", () => {
    const doc = specToCanvas(supportTriage());
    const f = doc.edges.find((e): e is FanoutEdge => e.type === "fanout")!;
    expect(f).toMatchObject({ id: "f1", source: "split", target: "summarise", data: { kind: "fanout", items: "documents", as: "document" } });
    expect(f.label).toBe("each document in documents");
  });

  it("places nodes without positions on a grid and terminals around them", () => {
    const spec = emptySpec("x");
    spec.nodes = [
      { id: "a", kind: "llm", config: {} },
      { id: "b", kind: "llm", config: {} },
    ];
    const doc = specToCanvas(spec);
    const [a, b] = doc.nodes.filter((n) => n.type === "step");
    expect(a!.position).not.toEqual(b!.position);
    expect(a!.data.label).toBe("a");
    const start = doc.nodes.find((n) => n.id === START)!;
    expect(start.position.x).toBeLessThan(a!.position.x);
  });
});

describe("canvasToSpec", () => {
  it("round-trips the full example exactly", () => {
    const spec = supportTriage();
    expect(canvasToSpec(specToCanvas(spec))).toEqual(spec);
  });

  it("round-trips an empty graph and stays stable on a second pass", () => {
    const spec = emptySpec("Empty");
    const once = canvasToSpec(specToCanvas(spec));
    expect(canvasToSpec(specToCanvas(once))).toEqual(once);
    expect(once.nodes).toEqual([]);
    expect(once.metadata?.[TERMINAL_POSITIONS_KEY]).toBeDefined();
  });

  it("keeps top-level keys it does not know", () => {
    const spec = { ...supportTriage(), x_future: { a: 1 } } as GraphSpec & { x_future: unknown };
    expect(canvasToSpec(specToCanvas(spec))).toMatchObject({ x_future: { a: 1 } });
  });

  it("keeps moved positions, rounded to whole pixels", () => {
    const doc = specToCanvas(supportTriage());
    const moved = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === "draft" ? { ...n, position: { x: 10.4, y: 20.6 } } : n)),
    };
    expect(canvasToSpec(moved).nodes.find((n) => n.id === "draft")!.position).toEqual({ x: 10, y: 21 });
  });

  it("orders route branches by their order, not by edge order", () => {
    const doc = specToCanvas(supportTriage());
    const reversed = { ...doc, edges: [...doc.edges].reverse() };
    const spec = canvasToSpec(reversed);
    expect(spec.routes![0]!.branches.map((b) => b.label)).toEqual(["bug", "search"]);
    expect(spec.routes![0]!.default).toBe("draft");
  });

  it("does not mutate the document it converts", () => {
    const doc = specToCanvas(supportTriage());
    const spec = canvasToSpec(doc);
    spec.nodes[0]!.config.model = "changed";
    const node = doc.nodes.find((n) => n.id === "classify") as StepNode;
    expect(node.data.config.model).toBe("fake-1");
  });
});
