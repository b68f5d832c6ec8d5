import { describe, expect, it } from "vitest";
import type { GraphSpec } from "../model/graphspec";
import { decorate, diffSpecs, formatValue, summary } from "./versionDiff";

function spec(over: Partial<GraphSpec> = {}): GraphSpec {
  return {
    spec_version: 1,
    name: "G",
    description: "",
    state: { fields: [{ name: "messages", type: "messages", reducer: "messages" }] },
    nodes: [
      { id: "n_a", kind: "llm", label: "Draft", config: { model: "m1", max_tokens: 256 }, position: { x: 0, y: 0 } },
      { id: "n_b", kind: "transform", label: "Tidy", config: { set: [] }, position: { x: 300, y: 0 } },
    ],
    edges: [
      { id: "e1", source: "__start__", target: "n_a" },
      { id: "e2", source: "n_a", target: "n_b" },
      { id: "e3", source: "n_b", target: "__end__" },
    ],
    routes: [],
    fanouts: [],
    ...over,
  };
}

describe("diffSpecs", () => {
  it("finds nothing between equal specs, whatever the key order or node positions", () => {
    const a = spec();
    const b = spec({ nodes: a.nodes.map((n) => ({ config: n.config, label: n.label, kind: n.kind, id: n.id, position: { x: 9, y: 9 } })) });
    const d = diffSpecs(a, b);
    expect(d.changes).toEqual([]);
    expect(d.nodeMarks).toEqual({});
    expect(d.edgeMarks).toEqual({});
    expect(summary(d.changes)).toBe("No changes");
  });

  it("marks a changed node with each config key's old and new value", () => {
    const a = spec();
    const b = spec({ nodes: [{ ...a.nodes[0]!, config: { model: "m2", max_tokens: 256, temperature: 0.2 } }, a.nodes[1]!] });
    const d = diffSpecs(a, b);
    expect(d.nodeMarks).toEqual({ n_a: "changed" });
    expect(d.changes).toEqual([
      { key: "node:n_a", mark: "changed", subject: "node", title: "Draft", details: ['model: "m1" → "m2"', "temperature: (unset) → 0.2"], nodeId: "n_a" },
    ]);
  });

  it("names the changed leaf inside lists and objects", () => {
    const a = spec();
    const b = spec({ nodes: [a.nodes[0]!, { ...a.nodes[1]!, config: { set: [{ field: "x", expression: "'hello'" }] } }] });
    const a2 = spec({ nodes: [a.nodes[0]!, { ...a.nodes[1]!, config: { set: [{ field: "x", expression: "'hi'" }] } }] });
    expect(diffSpecs(a2, b).changes[0]!.details).toEqual([`set[0].expression: "'hi'" → "'hello'"`]);
    expect(diffSpecs(a, b).changes[0]!.details).toEqual([`set: [] → [{"field":"x","expression":"'hello'"}]`]);
  });

  it("draws removed nodes and edges from the old side and marks added ones", () => {
    const a = spec();
    const b = spec({
      nodes: [a.nodes[0]!, { id: "n_c", kind: "human", label: "Review", config: {}, position: { x: 300, y: 200 } }],
      edges: [a.edges[0]!, { id: "e4", source: "n_a", target: "n_c" }, { id: "e5", source: "n_c", target: "__end__" }],
    });
    const d = diffSpecs(a, b);
    expect(d.nodeMarks).toEqual({ n_c: "added", n_b: "removed" });
    expect(d.edgeMarks).toEqual({ e4: "added", e5: "added", e2: "removed", e3: "removed" });
    // The removed node is on the canvas, where it was.
    expect(d.doc.nodes.find((n) => n.id === "n_b")?.position).toEqual({ x: 300, y: 0 });
    expect(d.doc.edges.map((e) => e.id).sort()).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(d.changes.map((c) => `${c.mark} ${c.title}`)).toEqual([
      "added Review",
      "removed Tidy",
      "added Edge Draft → Review",
      "added Edge Review → End",
      "removed Edge Draft → Tidy",
      "removed Edge Tidy → End",
    ]);
    expect(summary(d.changes)).toBe("6 changes: 3 added, 3 removed");
  });

  it("lists state field and route changes in words", () => {
    const a = spec({ routes: [{ id: "r1", source: "n_a", branches: [{ label: "bug", when: "x == 1", target: "n_b" }], default: "__end__" }] });
    const b = spec({
      state: { fields: [{ name: "messages", type: "messages", reducer: "append" }, { name: "decision", type: "string" }] },
      routes: [{ id: "r1", source: "n_a", branches: [{ label: "bug", when: "x == 1", target: "__end__" }], default: "__end__" }],
    });
    const d = diffSpecs(a, b);
    expect(d.changes).toContainEqual({ key: "route:r1", mark: "changed", subject: "route", title: "Route from Draft", details: ["+ bug → End", "− bug → Tidy"], nodeId: "n_a" });
    expect(d.changes).toContainEqual({ key: "state:decision", mark: "added", subject: "state", title: "State field decision", details: ["added (string)"] });
    expect(d.changes).toContainEqual({ key: "state:messages", mark: "changed", subject: "state", title: "State field messages", details: ['reducer: "messages" → "append"'] });
    expect(d.edgeMarks["r1::b0"]).toBe("changed");
  });

  it("decorates nodes and edges read-only, with the mark in class and accessible name", () => {
    const a = spec();
    const b = spec({ nodes: [{ ...a.nodes[0]!, label: "Draft reply" }, a.nodes[1]!] });
    const d = diffSpecs(a, b);
    const { nodes, edges } = decorate(d, (n) => n.id, (e) => e.id);
    const changed = nodes.find((n) => n.id === "n_a")!;
    expect(changed.className).toBe("diff-changed");
    expect(changed.ariaLabel).toBe("n_a, changed");
    expect(changed.draggable).toBe(false);
    expect(nodes.find((n) => n.id === "n_b")!.className).toBeUndefined();
    expect(edges.every((e) => e.className === undefined)).toBe(true);
    expect(d.changes[0]!.details).toEqual(['label: "Draft" → "Draft reply"']);
  });
});

describe("formatValue", () => {
  it("cuts long values and names unset ones", () => {
    expect(formatValue(undefined)).toBe("(unset)");
    expect(formatValue("x".repeat(100))).toHaveLength(60);
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
