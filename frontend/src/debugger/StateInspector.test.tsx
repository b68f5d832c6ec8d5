// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { StateSnapshot } from "../api/types";
import { DebuggerContext } from "./DebuggerContext";
import { StateInspector } from "./StateInspector";
import { createDebuggerStore } from "./store";
import type { ActionResult } from "./actions";

const snap = (id: string, parent: string | null, step: number, values: Record<string, unknown>, next: string[] = []) =>
  ({
    values,
    next,
    checkpoint: { thread_id: "t1", checkpoint_ns: "", checkpoint_id: id },
    metadata: { source: step < 0 ? "input" : "loop", step },
    created_at: `2026-01-01T00:00:0${step + 2}Z`,
    parent_checkpoint: parent ? { thread_id: "t1", checkpoint_ns: "", checkpoint_id: parent } : null,
    tasks: [],
  }) as unknown as StateSnapshot;

function setup(onEditState: (v: Record<string, unknown>, cp: string, andRun: boolean) => Promise<ActionResult>) {
  const api = createDebuggerStore("t1", undefined, { write_draft: "Draft reply" });
  api.getState().setHistory([snap("cp2", "cp1", 1, { category: "billing" }), snap("cp1", null, 0, { category: null }, ["write_draft"])]);
  api.getState().select("cp1");
  render(
    <DebuggerContext.Provider value={api}>
      <StateInspector onEditState={onEditState} onRerun={() => undefined} />
    </DebuggerContext.Provider>,
  );
  return api;
}

afterEach(cleanup);

describe("StateInspector's state editor", () => {
  it("says the next node by its label", () => {
    setup(async () => ({ ok: true }));
    expect(screen.getByText("Draft reply")).toBeTruthy();
    expect(screen.queryByText("write_draft")).toBeNull();
  });

  it("disables both saves while the JSON does not parse and names the line and column", () => {
    const onEdit = vi.fn(async () => ({ ok: true }) as ActionResult);
    setup(onEdit);
    fireEvent.click(screen.getByRole("button", { name: "Edit state here" }));
    const box = screen.getByRole("textbox", { name: /New state values/ });
    fireEvent.change(box, { target: { value: '{"category": 12, "bogus_field": 1' } });
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toMatch(/Line 1, column 34/);
    const saveRun = screen.getByRole("button", { name: "Save and continue from here" }) as HTMLButtonElement;
    const saveOnly = screen.getByRole("button", { name: "Save state only" }) as HTMLButtonElement;
    expect(saveRun.disabled).toBe(true);
    expect(saveOnly.disabled).toBe(true);
    fireEvent.click(saveOnly);
    expect(onEdit).not.toHaveBeenCalled();
    expect(box.getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(box, { target: { value: "[1]" } });
    expect(screen.getByRole("alert").textContent).toMatch(/must be a JSON object/);
    expect(saveOnly.disabled).toBe(true);
    fireEvent.change(box, { target: { value: '{"category": "question"}' } });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(saveOnly.disabled).toBe(false);
  });

  it("sends what was typed and shows the server's 400 next to the editor, keeping the text", async () => {
    const onEdit = vi.fn(async (): Promise<ActionResult> => ({
      ok: false,
      error: "Invalid input.",
      fields: [{ path: "/values/category", message: "12 is not of type 'string', 'null'" }],
    }));
    setup(onEdit);
    fireEvent.click(screen.getByRole("button", { name: "Edit state here" }));
    const box = screen.getByRole("textbox", { name: /New state values/ }) as HTMLTextAreaElement;
    const typed = '{"category": 12}';
    fireEvent.change(box, { target: { value: typed } });
    fireEvent.click(screen.getByRole("button", { name: "Save state only" }));
    const alert = await screen.findByRole("alert");
    expect(onEdit).toHaveBeenCalledWith({ category: 12 }, "cp1", false);
    expect(alert.textContent).toContain("/values/category");
    expect(alert.textContent).toContain("is not of type");
    expect((screen.getByRole("textbox", { name: /New state values/ }) as HTMLTextAreaElement).value).toBe(typed);
  });

  it("closes the editor when the server accepts", async () => {
    setup(async () => ({ ok: true }));
    fireEvent.click(screen.getByRole("button", { name: "Edit state here" }));
    fireEvent.click(screen.getByRole("button", { name: "Save and continue from here" }));
    await waitFor(() => expect(screen.queryByRole("textbox", { name: /New state values/ })).toBeNull());
  });
});

describe("StateInspector's selection", () => {
  it("closes the editor when another checkpoint is picked", () => {
    const api = setup(async () => ({ ok: true }));
    fireEvent.click(screen.getByRole("button", { name: "Edit state here" }));
    expect(screen.getByRole("textbox", { name: /New state values/ })).toBeTruthy();
    act(() => api.getState().select("cp2"));
    expect(screen.queryByRole("textbox", { name: /New state values/ })).toBeNull();
  });
});
