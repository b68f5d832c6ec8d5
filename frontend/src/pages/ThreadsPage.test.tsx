// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { App } from "../app/App";

const NOW = new Date().toISOString();

function row(id: string, extra: Record<string, unknown> = {}) {
  return {
    thread_id: id,
    workspace: "acme",
    graph: { id: 7, slug: "triage", name: "Support triage" },
    status: "idle",
    waiting_for_review: false,
    started_by: "ann",
    metadata: {},
    created_at: NOW,
    updated_at: NOW,
    ...extra,
  };
}

function stubApi(pages: Record<string, unknown>) {
  const urls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      urls.push(url);
      const ok = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status });
      if (url.startsWith("/api/me/")) return ok({ user: { id: 1, username: "ann" }, workspaces: [{ slug: "acme", name: "Acme", role: "owner" }] });
      if (url.startsWith("/api/graphs/")) return ok({ results: [{ id: 7, name: "Support triage", workspace: "acme", source: "spec", draft_revision: 1, updated_at: NOW, latest_version: 1 }] });
      if (url.startsWith("/api/workspaces/acme/members/")) return ok({ results: [{ username: "ann", email: "", role: "owner", created_at: NOW }] });
      if (url.startsWith("/api/workspaces/acme/threads/")) {
        const cursor = new URL(url, "http://x").searchParams.get("cursor") ?? "";
        return ok(pages[cursor] ?? { next: null, previous: null, results: [] });
      }
      return ok({ detail: "Not found." }, 404);
    }),
  );
  return urls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("threads page", () => {
  it("shows readable rows and loads the next cursor page", async () => {
    window.history.replaceState(null, "", "/app/threads");
    stubApi({
      "": { next: "http://h/api/workspaces/acme/threads/?cursor=P2", previous: null, results: [row("aaaaaaaa-1"), row("bbbbbbbb-2", { status: "interrupted", waiting_for_review: true, started_by: "bo" })] },
      P2: { next: null, previous: null, results: [row("cccccccc-3", { graph: null, started_by: null, status: "error" })] },
    });
    render(<App props={{ user: null }} />);
    const table = await screen.findByRole("table", { name: "Threads" });
    const link = within(table).getByRole("link", { name: "Open thread bbbbbbbb-2" });
    expect(link.getAttribute("href")).toBe("/app/threads/bbbbbbbb-2?graph=7");
    const waitingRow = link.closest("tr") as HTMLElement;
    expect(within(waitingRow).getByText("Waiting for review")).toBeTruthy();
    expect(within(waitingRow).getByText("Support triage")).toBeTruthy();
    expect(within(waitingRow).getByText("bo")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Load more threads" }));
    expect(await within(table).findByRole("link", { name: "Open thread cccccccc-3" })).toBeTruthy();
    expect(within(table).getAllByRole("row")).toHaveLength(4);
    expect(screen.getByText("3 threads, all shown")).toBeTruthy();
  });

  it("keeps filters in the URL and sends them to the API", async () => {
    window.history.replaceState(null, "", "/app/threads?status=interrupted");
    const urls = stubApi({});
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("heading", { name: "No threads match these filters" })).toBeTruthy();
    expect((screen.getByRole("combobox", { name: "Status" }) as HTMLSelectElement).value).toBe("interrupted");
    expect(urls.some((u) => u.includes("/threads/?status=interrupted"))).toBe(true);

    fireEvent.click(screen.getByRole("checkbox", { name: "Waiting for review" }));
    await vi.waitFor(() => expect(window.location.search).toBe("?workspace=acme&status=interrupted&waiting=1"));
    await vi.waitFor(() => expect(urls.some((u) => u.includes("waiting_for_review=true"))).toBe(true));

    const person = screen.getByRole("combobox", { name: "Started by" });
    fireEvent.change(person, { target: { value: "bo" } });
    fireEvent.blur(person);
    await vi.waitFor(() => expect(window.location.search).toContain("started_by=bo"));
    await vi.waitFor(() => expect(urls.some((u) => u.includes("started_by=bo"))).toBe(true));

    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    await vi.waitFor(() => expect(window.location.search).toBe("?workspace=acme"));
    expect(await screen.findByRole("heading", { name: "No threads yet" })).toBeTruthy();
  });

  it("is the per-graph list with ?graph= and says how to start one", async () => {
    window.history.replaceState(null, "", "/app/threads?graph=7");
    const urls = stubApi({});
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("heading", { name: "Threads of Support triage" })).toBeTruthy();
    expect(await screen.findByRole("heading", { name: "No threads for this graph yet" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Open the graph" }).getAttribute("href")).toBe("/app/graphs/7");
    expect(urls.some((u) => u.includes("/threads/?graph=7"))).toBe(true);
  });
});
