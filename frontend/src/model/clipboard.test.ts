import { describe, expect, it } from "vitest";
import { supportTriage } from "./__fixtures__/specs";
import { copySelection, paste } from "./canvasOps";
import { CLIPBOARD_TYPE, decodeClipboard, encodeClipboard } from "./clipboard";
import { canvasToSpec, specToCanvas } from "./convert";
import { emptySpec } from "./graphspec";

function copied(ids: string[]) {
  const doc = specToCanvas(supportTriage());
  return copySelection(doc, ids)!;
}

const payload = (extra: Record<string, unknown>) =>
  JSON.stringify({ type: CLIPBOARD_TYPE, version: 1, nodes: [{ id: "a", kind: "llm", config: {} }], edges: [], routes: [], fanouts: [], ...extra });

describe("clipboard payload", () => {
  it("round-trips copied nodes with the edges and routes between them", () => {
    const clip = copied(["classify", "draft", "engineer", "review", "split", "summarise", "custom1"]);
    const text = encodeClipboard(clip);
    expect(JSON.parse(text)).toMatchObject({ type: CLIPBOARD_TYPE, version: 1 });
    const back = decodeClipboard(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.clip.nodes.map((n) => n.id).sort()).toEqual(["classify", "custom1", "draft", "engineer", "review", "split", "summarise"]);
    expect(back.clip.nodes.find((n) => n.id === "draft")!.data).toEqual(clip.nodes.find((n) => n.id === "draft")!.data);
    const pairs = (edges: { source: string; target: string }[]) => edges.map((e) => `${e.source}->${e.target}`).sort();
    expect(pairs(back.clip.edges)).toEqual(pairs(clip.edges));
  });

  it("pastes into another graph with new ids, and the result is a valid spec", () => {
    const decoded = decodeClipboard(encodeClipboard(copied(["classify", "draft", "engineer", "split", "summarise"])));
    if (!decoded.ok) throw new Error(decoded.error);
    const target = specToCanvas(emptySpec("Other graph"));
    const { doc, ids } = paste(target, decoded.clip);
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(id).toMatch(/^n_[0-9a-f]{32}$/);
    const spec = canvasToSpec(doc);
    const known = new Set(spec.nodes.map((n) => n.id));
    for (const r of spec.routes ?? []) {
      expect(known.has(r.source)).toBe(true);
      for (const b of r.branches) expect(known.has(b.target)).toBe(true);
    }
    for (const f of spec.fanouts ?? []) expect(known.has(f.source) && known.has(f.target)).toBe(true);
    expect(spec.routes).toHaveLength(1);
    expect(spec.fanouts).toHaveLength(1);
    expect(spec.nodes.map((n) => n.label).sort()).toEqual(["Classify ticket", "Draft reply", "File bug", "Split", "Summarise"].sort());
  });

  it.each([
    ["plain text", "hello"],
    ["JSON of something else", JSON.stringify({ nodes: [{ id: "a", kind: "llm" }] })],
    ["a JSON list", "[1, 2]"],
    ["JavaScript", "(() => { window.pwned = true })()"],
  ])("refuses %s as not Switchyard nodes", (_, text) => {
    const r = decodeClipboard(text);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/does not hold Switchyard nodes/) });
  });

  it.each([
    ["an edge to a node that is not in it", { edges: [{ id: "e1", source: "a", target: "elsewhere" }] }, /edge 1's target is not one of the copied nodes/],
    ["a node without a kind", { nodes: [{ id: "a", config: {} }] }, /node 1's kind/],
    ["a bad id", { nodes: [{ id: "<img src=x>", kind: "llm" }] }, /node 1's id is not a valid id/],
    ["the start node", { nodes: [{ id: "__start__", kind: "llm" }] }, /start or end/],
    ["no nodes", { nodes: [] }, /no nodes/],
    ["a config that is not an object", { nodes: [{ id: "a", kind: "llm", config: "rm -rf /" }] }, /config must be an object/],
    ["a position that is not numbers", { nodes: [{ id: "a", kind: "llm", position: { x: "1", y: 2 } }] }, /position/],
    ["another version", { version: 2 }, /another version of Switchyard/],
  ])("refuses a payload with %s, saying what is wrong", (_, extra, message) => {
    const r = decodeClipboard(payload(extra));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it("drops prototype keys and keeps strings as inert data", () => {
    const text = `{"type":"${CLIPBOARD_TYPE}","version":1,"nodes":[{"id":"a","kind":"llm","label":"<script>alert(1)</script>","config":{"__proto__":{"polluted":true},"prompt":"{{ x }}","nested":{"constructor":{"prototype":{"bad":1}}}}}]}`;
    const r = decodeClipboard(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const node = r.clip.nodes[0]!;
    expect(node.data.label).toBe("<script>alert(1)</script>");
    expect(node.data.config).toEqual({ prompt: "{{ x }}", nested: {} });
    expect(Object.getPrototypeOf(node.data.config)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses text too large or nested too deeply to be nodes", () => {
    expect(decodeClipboard("x".repeat(2_000_001))).toMatchObject({ ok: false, error: expect.stringMatching(/too much/) });
    let deep: unknown = 1;
    for (let i = 0; i < 60; i++) deep = { d: deep };
    const r = decodeClipboard(payload({ nodes: [{ id: "a", kind: "llm", config: deep }] }));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/nested too deeply/) });
  });
});
