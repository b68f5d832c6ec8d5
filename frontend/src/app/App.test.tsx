// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import { App } from "./App";

function route(path: string) {
  window.history.replaceState(null, "", path);
}

function stubApi(handler: (url: string, init?: RequestInit) => [number, unknown]) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const [status, body] = handler(url, init);
      return new Response(JSON.stringify(body), { status });
    }),
  );
}

const ME = { user: { id: 1, username: "demo" }, workspaces: [{ slug: "demo", name: "Demo", role: "owner" }] };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("App shell", () => {
  it("renders navigation and an error banner when the backend is missing, never a blank page", async () => {
    route("/app/graphs");
    stubApi(() => [404, { detail: "Not found." }]);
    render(<App props={{ user: { id: 1, username: "demo" }, csrfToken: "t" }} />);
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Graphs" }).getAttribute("aria-current")).toBe("page");
    expect(within(nav).getByRole("link", { name: "Threads" })).toBeTruthy();
    expect(within(nav).getByRole("link", { name: "Inbox" })).toBeTruthy();
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(screen.getByText(/Could not load your account/)).toBeTruthy();
  });

  it("lists graphs of the selected workspace with an empty state that says what to do", async () => {
    route("/app/");
    stubApi((url) => {
      if (url.startsWith("/api/me/")) return [200, ME];
      if (url.startsWith("/api/graphs/?workspace=demo")) return [200, { results: [] }];
      return [404, {}];
    });
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("heading", { name: "No graphs in this workspace" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Create your first graph" })).toBeTruthy();
    expect(screen.getByRole("combobox", { name: "Workspace" })).toBeTruthy();
  });

  it("shows a graph table linking to the editor, with code graphs marked read-only", async () => {
    route("/app/graphs");
    stubApi((url) => {
      if (url.startsWith("/api/me/")) return [200, ME];
      if (url.startsWith("/api/graphs/"))
        return [
          200,
          {
            results: [
              { id: "g1", name: "Triage", workspace: "demo", source: "spec", draft_revision: 1, updated_at: new Date().toISOString(), latest_version: 2 },
              { id: "g2", name: "Coded", workspace: "demo", source: "code", draft_revision: 1, updated_at: new Date().toISOString(), latest_version: null },
            ],
          },
        ];
      return [404, {}];
    });
    render(<App props={{ user: null }} />);
    const link = await screen.findByRole("link", { name: "Triage" });
    expect(link.getAttribute("href")).toBe("/app/graphs/g1");
    expect(screen.getByText("v2")).toBeTruthy();
    expect(screen.getByText("code (read-only)")).toBeTruthy();
  });

  it("says so when a page does not exist", async () => {
    route("/app/nowhere");
    stubApi(() => [200, ME]);
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeTruthy();
  });
});
