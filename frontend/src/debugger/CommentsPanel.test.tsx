// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { CommentsPanel } from "./CommentsPanel";
import { DebuggerContext } from "./DebuggerContext";
import { createDebuggerStore } from "./store";
import type { StateSnapshot } from "../api/types";

const snap = (id: string, step: number): StateSnapshot => ({
  values: {},
  next: [],
  checkpoint: { thread_id: "t1", checkpoint_ns: "", checkpoint_id: id },
  metadata: { step, source: "loop" },
  created_at: `2026-01-01T00:00:0${step}Z`,
  parent_checkpoint: null,
  tasks: [],
});

const comment = (id: number, checkpoint_id: string, body: string) => ({ id, thread_id: "t1", checkpoint_id, author: "ann", body, created_at: `2026-01-01T00:00:0${id}Z` });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("CommentsPanel", () => {
  it("lists the selected checkpoint's comments, posts new ones and takes live ones from the socket", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === "POST") return new Response(JSON.stringify(comment(3, "cp2", JSON.parse(String(init.body)).body)), { status: 201 });
        expect(url).toBe("/api/threads/t1/comments/?page_size=200");
        return new Response(JSON.stringify({ results: [comment(1, "cp1", "on the first"), comment(2, "cp2", "on the second")] }), { status: 200 });
      }),
    );
    const api = createDebuggerStore("t1");
    api.getState().setHistory([snap("cp2", 2), snap("cp1", 1)]);
    render(
      <DebuggerContext.Provider value={api}>
        <CommentsPanel threadId="t1" canPost />
      </DebuggerContext.Provider>,
    );
    expect(await screen.findByText("on the second")).toBeTruthy();
    expect(screen.queryByText("on the first")).toBeNull();
    fireEvent.change(screen.getByRole("textbox", { name: "Add a comment" }), { target: { value: "  <b>bold?</b>  " } });
    fireEvent.click(screen.getByRole("button", { name: "Add comment" }));
    expect(await screen.findByText("<b>bold?</b>")).toBeTruthy();
    act(() => {
      api.getState().receive({ type: "comment.created", seq: 1, thread_id: "t1", run_id: null, ts: "", data: comment(4, "cp2", "from a colleague") });
      api.getState().receive({ type: "comment.created", seq: 2, thread_id: "t1", run_id: null, ts: "", data: comment(3, "cp2", "<b>bold?</b>") });
    });
    expect(screen.getByText("from a colleague")).toBeTruthy();
    expect(screen.getAllByText("<b>bold?</b>")).toHaveLength(1);
    act(() => api.getState().select("cp1"));
    expect(screen.getByText("on the first")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Comments on this checkpoint (1)" })).toBeTruthy();
  });

  it("has no form for viewers", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ results: [] }), { status: 200 })));
    const api = createDebuggerStore("t1");
    api.getState().setHistory([snap("cp1", 1)]);
    render(
      <DebuggerContext.Provider value={api}>
        <CommentsPanel threadId="t1" />
      </DebuggerContext.Provider>,
    );
    expect(await screen.findByText("No comments on this checkpoint.")).toBeTruthy();
    expect(screen.queryByRole("textbox")).toBeNull();
  });
});
