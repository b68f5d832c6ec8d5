import { afterEach, describe, expect, it, vi } from "vitest";
import { createThread } from "./threads";

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };

function stub(found: unknown[]) {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined;
      calls.push({ url, method: init?.method ?? "GET", body });
      if (url === "/api/me/") return new Response(JSON.stringify({ user: { id: 1, username: "ann" }, workspaces: [] }));
      if (url === "/api/threads/search") return new Response(JSON.stringify(found));
      return new Response(JSON.stringify({ thread_id: "new", status: "idle", metadata: body?.metadata }));
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe("createThread (the editor's Run)", () => {
  it("reuses the caller's newest thread of the graph that never ran", async () => {
    const calls = stub([
      { thread_id: "t-ran", status: "idle", values: { x: 1 }, metadata: {} },
      { thread_id: "t-empty", status: "idle", values: null, metadata: {} },
    ]);
    const t = await createThread("7", { graph_name: "Echo" });
    expect(t.thread_id).toBe("t-empty");
    const search = calls.find((c) => c.url === "/api/threads/search");
    expect(search?.body).toMatchObject({ metadata: { graph_id: "7", started_by: "ann" }, status: "idle" });
    expect(calls.some((c) => c.url === "/api/threads" && c.method === "POST")).toBe(false);
  });

  it("creates one, tagged with who started it, when every thread has run", async () => {
    const calls = stub([{ thread_id: "t-ran", status: "idle", values: { x: 1 }, metadata: {} }]);
    const t = await createThread("7", { graph_name: "Echo" });
    expect(t.thread_id).toBe("new");
    const post = calls.find((c) => c.url === "/api/threads" && c.method === "POST");
    expect(post?.body).toEqual({ metadata: { graph_name: "Echo", started_by: "ann", graph_id: "7" }, graph_id: "7" });
  });
});
