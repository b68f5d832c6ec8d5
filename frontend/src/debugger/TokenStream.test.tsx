// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { ThreadEvent } from "../model/events";
import { DebuggerContext } from "./DebuggerContext";
import { EventLog } from "./EventLog";
import { createDebuggerStore } from "./store";
import { TokenStream } from "./TokenStream";

let seq = 0;
const ev = (type: string, data: unknown): ThreadEvent => ({ type, seq: ++seq, thread_id: "t1", run_id: "r1", ts: "2026-01-01T00:00:00Z", data });
const chunk = (id: string, content: string, node: string) => ev("messages", { ns: [], chunk: { type: "AIMessageChunk", id, content }, metadata: { langgraph_node: node } });

function setup(ui: React.ReactNode) {
  seq = 0;
  const api = createDebuggerStore(
    "t1",
    undefined,
    { classify: "Classify ticket", write_draft: "Draft reply" },
    { classify: { provider: "openai", model: "gpt-4o-mini" }, write_draft: { provider: "fake", model: "fake-1" } },
  );
  api.getState().receiveMany([
    ev("run.started", {}),
    ev("task.started", { ns: [], name: "classify", step: 0 }),
    chunk("m1", "question", "classify"),
    ev("task.finished", { ns: [], name: "classify", step: 0 }),
    ev("task.started", { ns: [], name: "write_draft", step: 1 }),
    ...["Hello", "!", " Thanks"].map((t) => chunk("m2", t, "write_draft")),
  ]);
  render(<DebuggerContext.Provider value={api}>{ui}</DebuggerContext.Provider>);
  return api;
}

afterEach(cleanup);

describe("TokenStream", () => {
  it("shows each node's message under its own header, with the model and a clear fake label", () => {
    setup(<TokenStream />);
    const classify = screen.getByRole("article", { name: "Classify ticket, gpt-4o-mini (openai)" });
    expect(within(classify).getByText("question")).toBeTruthy();
    const draft = screen.getByRole("article", { name: "Draft reply, fake model (demo)" });
    expect(draft.textContent).toContain("Hello! Thanks");
    expect(within(draft).getByText("fake model (demo)")).toBeTruthy();
    // Not glued together: "questionHello" appears nowhere.
    expect(document.body.textContent).not.toContain("questionHello");
    fireEvent.change(screen.getByRole("combobox", { name: "Node" }), { target: { value: "classify" } });
    expect(screen.queryByRole("article", { name: /Draft reply/ })).toBeNull();
  });
});

describe("EventLog", () => {
  it("lists one expandable row per message, not one per token chunk, with node labels", () => {
    setup(<EventLog />);
    const rows = screen.getAllByRole("listitem");
    // run.started, 2 × task.started, task.finished and one row per message (8 events in all).
    expect(rows).toHaveLength(6);
    expect(screen.getByText("8 events in 6 rows")).toBeTruthy();
    expect(screen.getAllByText(/in 3 chunks/)).toHaveLength(1);
    expect(screen.getByText(/Draft reply wrote 13 characters in 3 chunks/)).toBeTruthy();
    expect(screen.getByText("Classify ticket started (step 0)")).toBeTruthy();
  });
});
