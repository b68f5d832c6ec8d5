// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { ShareDialog } from "./ShareDialog";
import type { ShareLink } from "../api/teams";

const LINK: ShareLink = { id: 5, thread_id: "t1", created_by: "ann", created_at: new Date().toISOString(), expires_at: null, revoked_at: null, live: true };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ShareDialog", () => {
  it("creates a link with an expiry, shows it once, lists and revokes links", async () => {
    let links: ShareLink[] = [LINK];
    const calls: [string, string, unknown][] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        const method = init?.method ?? "GET";
        const body = init?.body ? JSON.parse(String(init.body)) : undefined;
        calls.push([method, url, body]);
        if (method === "POST") {
          const made = { ...LINK, id: 6, expires_at: new Date(Date.now() + 86400_000).toISOString() };
          links = [...links, made];
          return new Response(JSON.stringify({ ...made, token: "secret", url: "http://x/share/secret/" }), { status: 201 });
        }
        if (method === "DELETE") {
          links = links.map((l) => (url.endsWith(`/${l.id}/`) ? { ...l, revoked_at: new Date().toISOString(), live: false } : l));
          return new Response(null, { status: 204 });
        }
        return new Response(JSON.stringify({ results: links, next: null }), { status: 200 });
      }),
    );
    render(<ShareDialog threadId="t1" open onClose={() => undefined} />);
    const list = await screen.findByRole("list", { name: "Share links" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    fireEvent.change(screen.getByRole("combobox", { name: "Link expires" }), { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Create link" }));
    const shown = await screen.findByRole("textbox", { name: "Share link" });
    expect((shown as HTMLInputElement).value).toBe("http://x/share/secret/");
    expect(calls.find((c) => c[0] === "POST")).toEqual(["POST", "/api/threads/t1/share-links/", { expires_in: 86400 }]);
    expect(screen.getByRole("button", { name: "Copy share link" })).toBeTruthy();
    await screen.findAllByRole("button", { name: /^Revoke link created/ }).then((b) => expect(b).toHaveLength(2));
    fireEvent.click(screen.getAllByRole("button", { name: /^Revoke link created/ })[0]!);
    await vi.waitFor(() => expect(screen.getAllByRole("button", { name: /^Revoke link created/ })).toHaveLength(1));
    expect(calls.some((c) => c[0] === "DELETE" && c[1] === "/api/share-links/5/")).toBe(true);
    expect(screen.getByText("Revoked")).toBeTruthy();
  });

  it("says why when the server refuses", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ error: { code: "permission_denied", message: "editors only" } }), { status: 403 })));
    render(<ShareDialog threadId="t1" open onClose={() => undefined} />);
    expect((await screen.findByRole("alert")).textContent).toContain("editors only");
  });
});
