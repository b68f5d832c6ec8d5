// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { App } from "../app/App";

const PAYLOAD = "<img src=x onerror=window.__xss=1>";

const snapshot = (id: string, parent: string | null, step: number, values: Record<string, unknown>) => ({
  values,
  next: [],
  checkpoint: { thread_id: "t1", checkpoint_ns: "", checkpoint_id: id },
  metadata: { source: step < 0 ? "input" : "loop", step },
  created_at: `2026-01-01T00:00:0${step + 1}Z`,
  parent_checkpoint: parent ? { thread_id: "t1", checkpoint_ns: "", checkpoint_id: parent } : null,
  tasks: [],
});

const SHARED = {
  thread: { thread_id: "t1-aaaa-bbbb", status: "idle", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:05Z", values: { text: PAYLOAD } },
  graph: null,
  history: [snapshot("cp2", "cp1", 0, { text: PAYLOAD }), snapshot("cp1", null, -1, { text: "" })],
  events: [
    { type: "run.started", seq: 1, thread_id: "t1", run_id: "r1", ts: "2026-01-01T00:00:01Z", data: {} },
    { type: "run.finished", seq: 2, thread_id: "t1", run_id: "r1", ts: "2026-01-01T00:00:02Z", data: { status: "success" } },
  ],
  audit: [
    { id: 2, action: "review.resume", actor: "bob", thread_id: "t1", detail: { decision: "approve" }, created_at: "2026-01-01T00:00:04Z" },
    { id: 1, action: "run.started", actor: "ann", thread_id: "t1", detail: {}, created_at: "2026-01-01T00:00:01Z" },
  ],
  comments: [{ id: 1, thread_id: "t1", checkpoint_id: "cp2", author: "ann", body: `${PAYLOAD} looks wrong`, created_at: "2026-01-01T00:00:03Z" }],
};

function stubApi(status: number, body: unknown) {
  const fetchMock = vi.fn(async (_url: string) => new Response(JSON.stringify(body), { status }));
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("share page", () => {
  it("shows the thread read-only: state, comments as text, audit trail, no controls", async () => {
    const fallback = document.createElement("main");
    fallback.id = "share-view";
    document.body.appendChild(fallback);
    const fetchMock = stubApi(200, SHARED);
    render(<App props={{ user: null, page: "share", token: "tok/1", threadId: "t1" }} />);
    expect(await screen.findByText(/Read-only shared view/)).toBeTruthy();
    expect(fetchMock.mock.calls[0]![0]).toBe("/api/share/tok%2F1/thread/");
    expect(fallback.hidden).toBe(true);
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
    // The comment on the newest checkpoint, as text, not markup.
    expect(screen.getByText(`${PAYLOAD} looks wrong`)).toBeTruthy();
    expect(document.querySelector('img[src="x"]')).toBeNull();
    for (const name of ["Edit state here", "Re-run from here", "Add comment", "Run…", "Cancel run", "Share…"]) {
      expect(screen.queryByRole("button", { name })).toBeNull();
    }
    expect(screen.getAllByRole("button", { name: /Checkpoint at step/ })).toHaveLength(2);
    fireEvent.click(screen.getByRole("tab", { name: "Audit trail" }));
    expect(screen.getByText("approved the review")).toBeTruthy();
    // One sentence per entry; the action code only as a tooltip.
    expect(screen.getByText("approved the review").closest("td")?.getAttribute("title")).toBe("review.resume");
    expect(screen.queryByText(/review\.resume/)).toBeNull();
    fireEvent.change(screen.getByRole("combobox", { name: "Actor" }), { target: { value: "ann" } });
    expect(screen.queryByText("approved the review")).toBeNull();
    expect(screen.getByText("started a run")).toBeTruthy();
  });

  it("shows the server's message when the link was revoked or has expired", async () => {
    stubApi(404, { error: { code: "not_found", message: "this share link does not exist, was revoked or has expired" } });
    render(<App props={{ user: null, page: "share", token: "gone", threadId: "t1" }} />);
    expect(await screen.findByRole("heading", { name: "This share link is not available" })).toBeTruthy();
    expect(screen.getByText("this share link does not exist, was revoked or has expired")).toBeTruthy();
  });
});
