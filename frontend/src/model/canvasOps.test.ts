import { describe, expect, it } from "vitest";
import { specToCanvas, canvasToSpec } from "./convert";
import { END, NODE_ID_PATTERN, START, emptySpec } from "./graphspec";
import {
  addStepNode,
  changeEdgeKind,
  connect,
  copySelection,
  moveNodes,
  paste,
  removeElements,
  setRouteDefault,
  toggleBreakpoint,
  updateEdgeData,
  updateNodeData,
} from "./canvasOps";
import { supportTriage } from "./__fixtures__/specs";

const blank = () => specToCanvas(emptySpec("t"));

describe("addStepNode", () => {
  it("creates an id the server accepts and data keyed on kind", () => {
    const { doc, id } = addStepNode(blank(), "human", "Review", { x: 1, y: 2 });
    expect(id).toMatch(NODE_ID_PATTERN);
    expect(id).toMatch(/^n_[0-9a-f]{32}$/);
    const node = doc.nodes.find((n) => n.id === id)!;
    expect(node.data.kind).toBe("human");
    expect(node.position).toEqual({ x: 1, y: 2 });
  });
});

describe("connect", () => {
  it("adds a plain edge and refuses duplicates, edges into START and out of END", () => {
    let { doc, id: a } = addStepNode(blank(), "llm", "A", { x: 0, y: 0 });
    const r = connect(doc, START, a);
    expect(r.id).not.toBeNull();
    doc = r.doc;
    expect(connect(doc, START, a).id).toBeNull();
    expect(connect(doc, a, START).id).toBeNull();
    expect(connect(doc, END, a).id).toBeNull();
    expect(canvasToSpec(doc).edges).toEqual([{ id: r.id, source: START, target: a }]);
  });

  it("makes route branches out of router nodes, sharing one route", () => {
    let doc = blank();
    const r = addStepNode(doc, "router", "Route", { x: 0, y: 0 });
    const x = addStepNode(r.doc, "llm", "X", { x: 0, y: 0 });
    const y = addStepNode(x.doc, "llm", "Y", { x: 0, y: 0 });
    doc = connect(y.doc, r.id, x.id).doc;
    doc = connect(doc, r.id, y.id).doc;
    const spec = canvasToSpec(doc);
    expect(spec.edges).toEqual([]);
    expect(spec.routes).toHaveLength(1);
    // A route needs a default: the first connection is it, later ones are branches.
    expect(spec.routes![0]!.default).toBe(x.id);
    expect(spec.routes![0]!.branches).toEqual([{ label: "branch 1", when: "", target: y.id }]);
  });
});

describe("edge kinds", () => {
  it("turns a plain edge into a route branch of the source's existing route", () => {
    const doc = specToCanvas(supportTriage());
    // classify already has route r1; add a plain edge and convert it.
    const { doc: d1, id } = connect(doc, "classify", "review");
    expect(id).not.toBeNull();
    const d2 = changeEdgeKind(d1, id!, "route");
    const spec = canvasToSpec(d2);
    expect(spec.routes![0]!.branches.map((b) => b.target)).toEqual(["engineer", "custom1", "review"]);
  });

  it("turns an edge into a fan-out and edits its items", () => {
    const doc = specToCanvas(supportTriage());
    const d1 = changeEdgeKind(doc, "e2", "fanout");
    const f = d1.edges.find((e) => e.type === "fanout" && e.source === "draft")!;
    const d2 = updateEdgeData(d1, f.id, { items: "notes", as: "note" });
    const spec = canvasToSpec(d2);
    expect(spec.edges.find((e) => e.id === "e2")).toBeUndefined();
    expect(spec.fanouts).toContainEqual({ id: f.id, source: "draft", items: "notes", target: "review", as: "note" });
    expect(d2.edges.find((e) => e.id === f.id)!.label).toBe("each note in notes");
  });

  it("moves the route default to another branch", () => {
    const doc = specToCanvas(supportTriage());
    const bug = doc.edges.find((e) => e.type === "route" && e.target === "engineer")!;
    const spec = canvasToSpec(setRouteDefault(doc, bug.id));
    expect(spec.routes![0]!.default).toBe("engineer");
    expect(spec.routes![0]!.branches.map((b) => b.target)).toEqual(["custom1", "draft"]);
  });
});

describe("removeElements", () => {
  it("removes a node with its edges and breakpoints but never START/END", () => {
    const doc = specToCanvas(supportTriage());
    const d = removeElements(doc, ["review", START, END]);
    const spec = canvasToSpec(d);
    expect(spec.nodes.map((n) => n.id)).not.toContain("review");
    expect(spec.edges.some((e) => e.source === "review" || e.target === "review")).toBe(false);
    expect(spec.breakpoints!.before).toEqual([]);
    expect(d.nodes.some((n) => n.id === START)).toBe(true);
    expect(d.nodes.some((n) => n.id === END)).toBe(true);
  });
});

describe("copy and paste", () => {
  it("pastes copies with fresh ids and internal edges rewired", () => {
    const doc = specToCanvas(supportTriage());
    const clip = copySelection(doc, ["draft", "review", START])!;
    expect(clip.nodes.map((n) => n.id)).toEqual(["draft", "review"]);
    expect(clip.edges.map((e) => e.id)).toEqual(["e2"]);
    const { doc: d, ids } = paste(doc, clip);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(NODE_ID_PATTERN);
    const newEdge = d.edges.find((e) => e.source === ids[0] && e.target === ids[1]);
    expect(newEdge).toBeDefined();
    const pasted = d.nodes.find((n) => n.id === ids[0])!;
    expect(pasted.position).toEqual({ x: 440, y: 160 });
    expect(canvasToSpec(d).nodes).toHaveLength(9);
  });
});

describe("moveNodes", () => {
  it("returns the same document when nothing moved", () => {
    const doc = specToCanvas(supportTriage());
    expect(moveNodes(doc, { draft: { x: 400, y: 120 } })).toBe(doc);
    const moved = moveNodes(doc, { draft: { x: 1, y: 2 } });
    expect(moved).not.toBe(doc);
    expect(moved.nodes.find((n) => n.id === "draft")!.position).toEqual({ x: 1, y: 2 });
  });
});

describe("node data and breakpoints", () => {
  it("updates config immutably and toggles breakpoints", () => {
    const doc = specToCanvas(supportTriage());
    const d = updateNodeData(doc, "draft", { config: { model: "m2" }, label: "Draft v2" });
    expect(canvasToSpec(d).nodes.find((n) => n.id === "draft")).toMatchObject({ label: "Draft v2", config: { model: "m2" } });
    expect(canvasToSpec(doc).nodes.find((n) => n.id === "draft")!.label).toBe("Draft reply");
    expect(updateNodeData(doc, "draft", { config: { provider: "fake", model: "fake-1" } })).toBe(doc);
    const b = toggleBreakpoint(toggleBreakpoint(doc, "draft", "after"), "review", "before");
    expect(b.meta.breakpoints).toEqual({ before: [], after: ["draft"] });
  });
});
