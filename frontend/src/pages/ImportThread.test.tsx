// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { App } from "../app/App";

const ME = (role: string) => ({ user: { id: 1, username: "ann" }, workspaces: [{ slug: "demo", name: "Demo", role }] });

function stub(role: string, posted: unknown[]) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url.startsWith("/api/me/")) return new Response(JSON.stringify(ME(role)));
      if (url === "/api/workspaces/demo/threads/import/" && init?.method === "POST") {
        posted.push(JSON.parse(String(init.body)));
        return new Response(JSON.stringify({ thread_id: "new-thread", workspace: "demo" }), { status: 201 });
      }
      if (url.startsWith("/api/workspaces/demo/threads/?")) return new Response(JSON.stringify({ next: null, previous: null, results: [] }));
      return new Response(JSON.stringify({ detail: "Not found." }), { status: 404 });
    }),
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("import a thread", () => {
  it("posts an export file to the workspace and opens the new thread", async () => {
    window.history.replaceState(null, "", "/app/threads");
    const posted: unknown[] = [];
    stub("editor", posted);
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("button", { name: "Import thread…" })).toBeTruthy();
    const file = new File([JSON.stringify({ format: "switchyard.thread", thread: {} })], "t.json", { type: "application/json" });
    fireEvent.change(screen.getByLabelText("Thread export file to import"), { target: { files: [file] } });
    await vi.waitFor(() => expect(window.location.pathname).toBe("/app/threads/new-thread"));
    expect(posted).toEqual([{ format: "switchyard.thread", thread: {} }]);
  });

  it("says what is wrong with a file that is not JSON, and is not offered to viewers", async () => {
    window.history.replaceState(null, "", "/app/threads");
    stub("editor", []);
    render(<App props={{ user: null }} />);
    await screen.findByRole("button", { name: "Import thread…" });
    fireEvent.change(screen.getByLabelText("Thread export file to import"), { target: { files: [new File(["nope"], "x.json")] } });
    expect((await screen.findByRole("alert")).textContent).toContain("x.json is not a JSON file");
    cleanup();
    stub("viewer", []);
    render(<App props={{ user: null }} />);
    await screen.findByRole("heading", { name: "No threads yet" });
    expect(screen.queryByRole("button", { name: "Import thread…" })).toBeNull();
  });
});
