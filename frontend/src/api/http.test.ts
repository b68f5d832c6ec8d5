import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, request, setCsrfToken } from "./http";
import { fetchMermaid, getGraph, saveDraft } from "./graphs";
import { emptySpec } from "../model/graphspec";

function mockFetch(status: number, body: unknown) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => new Response(typeof body === "string" ? body : JSON.stringify(body), { status }));
  vi.stubGlobal("fetch", fn);
  return fn;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(undefined);
});

describe("request", () => {
  it("sends the CSRF token on unsafe methods only, with same-origin credentials", async () => {
    setCsrfToken("tok");
    const fn = mockFetch(200, { ok: 1 });
    await request("/api/x/", { method: "POST", body: { a: 1 } });
    await request("/api/y/", { query: { workspace: "w s", skip: undefined } });
    const [url1, init1] = fn.mock.calls[0]!;
    const [url2, init2] = fn.mock.calls[1]!;
    expect(url1).toBe("/api/x/");
    expect((init1!.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok");
    expect(init1!.credentials).toBe("same-origin");
    expect(init1!.body).toBe('{"a":1}');
    expect(url2).toBe("/api/y/?workspace=w+s");
    expect((init2!.headers as Record<string, string>)["X-CSRFToken"]).toBeUndefined();
  });

  it("throws ApiError with the server's message", async () => {
    mockFetch(400, { detail: "bad name" });
    await expect(request("/api/z/")).rejects.toMatchObject({ status: 400, message: "bad name" });
    mockFetch(404, "<html>");
    const e = await request("/api/z/").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).isMissing).toBe(true);
  });

  it("refuses an HTML answer where JSON was expected", async () => {
    mockFetch(200, "<html>login</html>");
    await expect(request("/api/me/")).rejects.toThrow(/Expected JSON/);
  });
});

describe("graph reads", () => {
  it("unwraps the mermaid answer and accepts plain text", async () => {
    mockFetch(200, { mermaid: "flowchart LR\n" });
    expect(await fetchMermaid("1")).toBe("flowchart LR\n");
    mockFetch(200, "flowchart TD\n");
    expect(await fetchMermaid("1")).toBe("flowchart TD\n");
  });

  it("marks code graphs read-only and takes the spec from 'draft' when needed", async () => {
    const spec = emptySpec("x");
    mockFetch(200, { id: 3, name: "x", source: "code", draft: spec, draft_revision: 1 });
    expect(await getGraph("3")).toMatchObject({ id: 3, spec, read_only: true });
  });
});

describe("saveDraft", () => {
  it("returns the new revision or the conflicting draft", async () => {
    mockFetch(200, { draft_revision: 4 });
    expect(await saveDraft("g1", emptySpec("a"), 3)).toEqual({ ok: true, draft_revision: 4 });
    const current = { spec: emptySpec("b"), draft_revision: 5, updated_by: "bob", updated_at: "2026-01-01T00:00:00Z" };
    mockFetch(409, { error: { code: "conflict", message: "stale" }, current });
    expect(await saveDraft("g1", emptySpec("a"), 3)).toEqual({ ok: false, conflict: current });
  });

  it("reads the conflict nested in the error, with the spec named draft", async () => {
    const draft = emptySpec("b");
    mockFetch(409, { error: { code: "draft_conflict", message: "stale", fields: [], current: { draft, draft_revision: 6, updated_by: null, updated_at: "t" } } });
    expect(await saveDraft("g1", emptySpec("a"), 3)).toEqual({
      ok: false,
      conflict: { spec: draft, draft_revision: 6, updated_by: null, updated_at: "t" },
    });
    mockFetch(409, { error: { code: "draft_conflict", message: "stale" } });
    await expect(saveDraft("g1", emptySpec("a"), 3)).rejects.toMatchObject({ status: 409, message: "stale" });
  });
});
