import { describe, expect, it, vi } from "vitest";
import { createEditorStore } from "./store";
import { emptySpec } from "../model/graphspec";
import { editKey, onlyDefaultsAdded } from "./configEdits";

const schema = {
  type: "object",
  properties: { provider: { default: "fake" }, model: { type: "string", default: "fake-1" }, temperature: { type: "number" }, opts: { type: "object", properties: { n: { default: 1 } } } },
};

describe("onlyDefaultsAdded", () => {
  it("is true when the form only filled in defaults", () => {
    expect(onlyDefaultsAdded({}, { provider: "fake", model: "fake-1" }, schema)).toBe(true);
    expect(onlyDefaultsAdded({ model: "x" }, { model: "x", provider: "fake" }, schema)).toBe(true);
    expect(onlyDefaultsAdded({}, { opts: { n: 1 } }, schema)).toBe(true);
  });
  it("is false for any other change, key events or not", () => {
    expect(onlyDefaultsAdded({ model: "fake-1" }, { model: "gpt" }, schema)).toBe(false);
    expect(onlyDefaultsAdded({}, { temperature: 0.3 }, schema)).toBe(false);
    expect(onlyDefaultsAdded({}, { model: "other" }, schema)).toBe(false);
    expect(onlyDefaultsAdded({ model: "x" }, {}, schema)).toBe(false);
  });
});

describe("config edits and undo", () => {
  it("makes each field its own undo step and coalesces typing within one", () => {
    const store = createEditorStore({ graphId: "g", spec: emptySpec("g"), draftRevision: 1, readOnly: false });
    const id = store.getState().addNode("llm", "LLM", { x: 0, y: 0 })!;
    const config = () => store.getState().history.present.nodes.find((n) => n.id === id)!.data as { config: Record<string, unknown> };
    const s = store.getState();
    s.updateNode(id, { config: { temperature: 0 } }, editKey("cfg_temperature", 0));
    s.updateNode(id, { config: { temperature: 0.5 } }, editKey("cfg_temperature", 0));
    s.updateNode(id, { config: { temperature: 0.5, model: "m" } }, editKey("cfg_model", 1));
    s.updateNode(id, { config: { temperature: 0.5, model: "m2" } }, editKey("cfg_model", 2));
    store.getState().undo();
    expect(config().config).toEqual({ temperature: 0.5, model: "m" });
    store.getState().undo();
    expect(config().config).toEqual({ temperature: 0.5 });
    store.getState().undo();
    expect(config().config).toEqual({});
  });
});

describe("undo steps over time", () => {
  it("starts a new step when the same field is edited again after a pause", () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
      const store = createEditorStore({ graphId: "g", spec: emptySpec("g"), draftRevision: 1, readOnly: false });
      const id = store.getState().addNode("llm", "LLM", { x: 0, y: 0 })!;
      const label = () => store.getState().history.present.nodes.find((n) => n.id === id)!.data.label;
      store.getState().updateNode(id, { label: "A" }, "label");
      vi.setSystemTime(new Date("2026-01-01T00:00:00.300Z"));
      store.getState().updateNode(id, { label: "AB" }, "label");
      vi.setSystemTime(new Date("2026-01-01T00:00:05Z"));
      store.getState().updateNode(id, { label: "ABC" }, "label");
      store.getState().undo();
      expect(label()).toBe("AB");
      store.getState().undo();
      expect(label()).toBe("LLM");
    } finally {
      vi.useRealTimers();
    }
  });

  it("starts a new step when the field is left", () => {
    const store = createEditorStore({ graphId: "g", spec: emptySpec("g"), draftRevision: 1, readOnly: false });
    const id = store.getState().addNode("llm", "LLM", { x: 0, y: 0 })!;
    store.getState().updateNode(id, { label: "A" }, "label");
    store.getState().sealHistory();
    store.getState().updateNode(id, { label: "AB" }, "label");
    store.getState().undo();
    expect(store.getState().history.present.nodes.find((n) => n.id === id)!.data.label).toBe("A");
  });
});
