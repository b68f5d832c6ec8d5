import { describe, expect, it } from "vitest";
import type { NodeKindInfo } from "../api/types";
import catalog from "./__fixtures__/catalog.json";
import { createEditorStore } from "./store";
import { emptySpec } from "../model/graphspec";
import { canUndo } from "../model/history";
import { fieldsNamedByDefaults, missingFields } from "./nodeFields";

const kinds = catalog as unknown as NodeKindInfo[];
const kind = (k: string) => kinds.find((x) => x.kind === k);

describe("fields named by a kind's default config", () => {
  it("gives each kind's defaults the type the kind needs", () => {
    expect(fieldsNamedByDefaults(kind("human"))).toEqual([{ name: "decision", type: "string" }]);
    expect(fieldsNamedByDefaults(kind("llm"))).toEqual([{ name: "messages", type: "messages", reducer: "messages", default: [] }]);
    expect(fieldsNamedByDefaults(kind("tools"))).toEqual([{ name: "messages", type: "messages", reducer: "messages", default: [] }]);
    expect(fieldsNamedByDefaults(kind("http"))).toEqual([{ name: "response", type: "object" }]);
    expect(fieldsNamedByDefaults(kind("transform"))).toEqual([]);
    expect(fieldsNamedByDefaults(undefined)).toEqual([]);
  });

  it("leaves out fields the state already has", () => {
    expect(missingFields(fieldsNamedByDefaults(kind("llm")), emptySpec("g").state.fields)).toEqual([]);
  });

  it("adds the missing fields with the node in one undo step, and says so", () => {
    const spec = { ...emptySpec("g"), state: { fields: [] } };
    const store = createEditorStore({ graphId: "g", spec, draftRevision: 1, readOnly: false });
    const id = store.getState().addNode("human", "Human review", { x: 0, y: 0 }, fieldsNamedByDefaults(kind("human")))!;
    expect(store.getState().history.present.state).toEqual([{ name: "decision", type: "string" }]);
    expect(store.getState().notice?.text).toMatch(/Added state field “decision” \(string\) that Human review needs/);
    store.getState().undo();
    const doc = store.getState().history.present;
    expect(doc.state).toEqual([]);
    expect(doc.nodes.some((n) => n.id === id)).toBe(false);
    expect(canUndo(store.getState().history)).toBe(false);
  });

  it("adds no field and no notice when the state has them", () => {
    const store = createEditorStore({ graphId: "g", spec: emptySpec("g"), draftRevision: 1, readOnly: false });
    store.getState().addNode("llm", "LLM", { x: 0, y: 0 }, fieldsNamedByDefaults(kind("llm")));
    expect(store.getState().history.present.state.map((f) => f.name)).toEqual(["messages"]);
    expect(store.getState().notice).toBeNull();
  });
});
