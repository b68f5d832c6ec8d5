import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAutosaver } from "./useAutosave";
import { createEditorStore } from "../store";
import { supportTriage } from "../../model/__fixtures__/specs";

function respond(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status });
}

describe("createAutosaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("saves once after a burst of edits, sending the revision it is based on", async () => {
    const fetch = vi.fn(async () => respond(200, { draft_revision: 4 }));
    vi.stubGlobal("fetch", fetch);
    const store = createEditorStore({ graphId: "g1", spec: supportTriage(), draftRevision: 3, readOnly: false });
    const saver = createAutosaver(store, 500);
    store.getState().updateNode("draft", { label: "a" }, "label");
    store.getState().updateNode("draft", { label: "ab" }, "label");
    expect(store.getState().saveStatus).toBe("dirty");
    await vi.advanceTimersByTimeAsync(499);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/graphs/g1/");
    expect(init.method).toBe("PATCH");
    const sent = JSON.parse(String(init.body));
    expect(sent.draft_revision).toBe(3);
    expect(sent.spec.nodes.find((n: { id: string }) => n.id === "draft").label).toBe("ab");
    expect(store.getState()).toMatchObject({ saveStatus: "saved", draftRevision: 4 });
    saver.dispose();
  });

  it("does not save when an edit is undone back to the saved draft", async () => {
    const fetch = vi.fn(async () => respond(200, { draft_revision: 4 }));
    vi.stubGlobal("fetch", fetch);
    const store = createEditorStore({ graphId: "g1", spec: supportTriage(), draftRevision: 3, readOnly: false });
    const saver = createAutosaver(store, 500);
    store.getState().updateNode("draft", { label: "x" });
    store.getState().undo();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetch).not.toHaveBeenCalled();
    expect(store.getState().saveStatus).toBe("saved");
    saver.dispose();
  });

  it("turns a 409 into a conflict, and saves over theirs after keep mine", async () => {
    const current = { spec: { ...supportTriage(), name: "Theirs" }, draft_revision: 9, updated_by: "bob", updated_at: "2026-01-01T00:00:00Z" };
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(respond(409, { error: { code: "conflict" }, current }))
      .mockResolvedValueOnce(respond(200, { draft_revision: 10 }));
    vi.stubGlobal("fetch", fetch);
    const store = createEditorStore({ graphId: "g1", spec: supportTriage(), draftRevision: 3, readOnly: false });
    const saver = createAutosaver(store, 100);
    store.getState().setMeta({ name: "Mine" });
    await vi.advanceTimersByTimeAsync(150);
    expect(store.getState().saveStatus).toBe("conflict");
    expect(store.getState().conflict?.updated_by).toBe("bob");
    store.getState().keepMine();
    await vi.advanceTimersByTimeAsync(150);
    expect(fetch).toHaveBeenCalledTimes(2);
    const second = JSON.parse(String((fetch.mock.calls[1] as [string, RequestInit])[1].body));
    expect(second.draft_revision).toBe(9);
    expect(second.spec.name).toBe("Mine");
    expect(store.getState()).toMatchObject({ saveStatus: "saved", draftRevision: 10 });
    saver.dispose();
  });

  it("reports network errors and keeps the edits", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => respond(500, {})));
    const store = createEditorStore({ graphId: "g1", spec: supportTriage(), draftRevision: 3, readOnly: false });
    const saver = createAutosaver(store, 100);
    store.getState().setMeta({ name: "Mine" });
    await vi.advanceTimersByTimeAsync(150);
    expect(store.getState().saveStatus).toBe("error");
    expect(store.getState().history.present.meta.name).toBe("Mine");
    saver.dispose();
  });
});
