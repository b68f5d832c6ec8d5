import { describe, expect, it } from "vitest";
import { createEditorStore } from "./store";
import { supportTriage } from "../model/__fixtures__/specs";
import { canvasToSpec } from "../model/convert";
import { emptySpec } from "../model/graphspec";

function make(readOnly = false) {
  return createEditorStore({ graphId: "g1", spec: supportTriage(), draftRevision: 3, readOnly });
}

describe("editor store", () => {
  it("adds a node selected, and undo/redo move through edits", () => {
    const store = make();
    const id = store.getState().addNode("llm", "LLM", { x: 5, y: 5 })!;
    let doc = store.getState().history.present;
    expect(doc.nodes.find((n) => n.id === id)!.selected).toBe(true);
    store.getState().updateNode(id, { label: "A" }, "label");
    store.getState().updateNode(id, { label: "AB" }, "label");
    store.getState().undo();
    doc = store.getState().history.present;
    expect(doc.nodes.find((n) => n.id === id)!.data.label).toBe("LLM");
    store.getState().undo();
    expect(store.getState().history.present.nodes.some((n) => n.id === id)).toBe(false);
    store.getState().redo();
    expect(store.getState().history.present.nodes.some((n) => n.id === id)).toBe(true);
  });

  it("records one drag gesture as one undo step and ignores selection changes", () => {
    const store = make();
    const s = store.getState();
    s.onNodesChange([{ type: "select", id: "draft", selected: true }]);
    expect(store.getState().history.past).toHaveLength(0);
    s.onNodesChange([{ type: "position", id: "draft", position: { x: 401, y: 120 }, dragging: true }]);
    s.onNodesChange([{ type: "position", id: "draft", position: { x: 420, y: 130 }, dragging: true }]);
    s.onNodesChange([{ type: "position", id: "draft", position: { x: 450, y: 150 }, dragging: false }]);
    expect(store.getState().history.past).toHaveLength(1);
    s.onNodesChange([{ type: "position", id: "draft", position: { x: 500, y: 150 }, dragging: false }]);
    expect(store.getState().history.past).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().history.present.nodes.find((n) => n.id === "draft")!.position).toEqual({ x: 450, y: 150 });
  });

  it("deletes the selection through React Flow remove changes and the action", () => {
    const store = make();
    store.getState().onEdgesChange([{ type: "remove", id: "e2" }]);
    expect(canvasToSpec(store.getState().history.present).edges.map((e) => e.id)).not.toContain("e2");
    store.getState().select({ nodes: ["review"] });
    store.getState().deleteSelection();
    expect(canvasToSpec(store.getState().history.present).nodes.map((n) => n.id)).not.toContain("review");
  });

  it("copies and pastes twice with growing offsets", () => {
    const store = make();
    store.getState().select({ nodes: ["draft"] });
    expect(store.getState().copy()).toBe(true);
    store.getState().paste();
    store.getState().paste();
    const drafts = store.getState().history.present.nodes.filter((n) => n.data.label === "Draft reply");
    expect(drafts.map((n) => n.position)).toEqual([
      { x: 400, y: 120 },
      { x: 440, y: 160 },
      { x: 480, y: 200 },
    ]);
  });

  it("keeps the converted edge selected when its kind changes", () => {
    const store = make();
    store.getState().changeEdgeKind("e2", "fanout");
    const sel = store.getState().history.present.edges.filter((e) => e.selected);
    expect(sel).toHaveLength(1);
    expect(sel[0]!.type).toBe("fanout");
  });

  it("fills form defaults without an undo step", () => {
    const store = make();
    store.getState().fillNodeDefaults("draft", { provider: "fake", model: "fake-1", temperature: 0 });
    expect(store.getState().history.past).toHaveLength(0);
    expect(canvasToSpec(store.getState().history.present).nodes.find((n) => n.id === "draft")!.config.temperature).toBe(0);
  });

  it("resolves a conflict by keeping mine (saves over their revision) or taking theirs", () => {
    const store = make();
    const theirs = emptySpec("Theirs");
    const conflict = { spec: theirs, draft_revision: 7, updated_by: "bob", updated_at: "2026-01-01T00:00:00Z" };
    store.getState().setConflict(conflict);
    expect(store.getState().saveStatus).toBe("conflict");
    store.getState().keepMine();
    expect(store.getState()).toMatchObject({ conflict: null, draftRevision: 7, saveStatus: "dirty" });
    expect(store.getState().history.present.meta.name).toBe("Support triage");

    store.getState().setConflict(conflict);
    store.getState().takeTheirs();
    expect(store.getState()).toMatchObject({ conflict: null, draftRevision: 7, saveStatus: "saved" });
    expect(store.getState().history.present.meta.name).toBe("Theirs");
    store.getState().undo();
    expect(store.getState().history.present.meta.name).toBe("Support triage");
  });

  it("refuses edits when read-only", () => {
    const store = make(true);
    expect(store.getState().addNode("llm", "x", { x: 0, y: 0 })).toBeNull();
    store.getState().connect("draft", "engineer");
    store.getState().onNodesChange([{ type: "position", id: "draft", position: { x: 0, y: 0 }, dragging: false }]);
    expect(store.getState().history.past).toHaveLength(0);
    expect(store.getState().saveStatus).toBe("read-only");
  });

  it("auto-layout moves nodes left to right in one undo step", () => {
    const store = make();
    store.getState().autoLayout();
    const doc = store.getState().history.present;
    const x = (id: string) => doc.nodes.find((n) => n.id === id)!.position.x;
    expect(x("__start__")).toBeLessThan(x("classify"));
    expect(x("classify")).toBeLessThan(x("draft"));
    expect(x("draft")).toBeLessThan(x("review"));
    expect(store.getState().history.past).toHaveLength(1);
  });
});
