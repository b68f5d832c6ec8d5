// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { App } from "../app/App";

const NOW = new Date().toISOString();
const LATER = new Date(Date.now() + 7 * 86400_000).toISOString();
const EVIL = "<img src=x onerror=alert(1)>";

type Call = { method: string; url: string; body: unknown };

function stubApi(role: string) {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      const ok = (b: unknown, status = 200) => new Response(b === null ? null : JSON.stringify(b), { status });
      if (url.startsWith("/api/me/")) return ok({ user: { id: 1, username: "ann" }, workspaces: [{ slug: "acme", name: "Acme", role }] });
      if (url.startsWith("/api/workspaces/acme/members/") && method === "GET")
        return ok({ results: [{ username: "ann", email: "", role: "owner", created_at: NOW }, { username: EVIL, email: "", role: "viewer", created_at: NOW }] });
      if (url.startsWith("/api/workspaces/acme/members/")) return method === "DELETE" ? ok(null, 204) : ok({ username: EVIL, email: "", role: body?.role, created_at: NOW });
      if (url.startsWith("/api/workspaces/acme/invitations/") && method === "POST")
        return ok({ id: 9, workspace: "acme", role: body.role, created_by: "ann", created_at: NOW, expires_at: LATER, accepted_by: null, accepted_at: null, revoked_at: null, token: "inv", url: "http://x/invite/inv/" }, 201);
      if (url.startsWith("/api/workspaces/acme/invitations/")) return ok({ results: [] });
      if (url.startsWith("/api/workspaces/acme/credentials/") && method === "GET")
        return ok({ results: [{ id: 3, provider: "openai", name: "default", hint: "sk-…abcd", base_url: "", created_by: "ann", created_at: NOW }] });
      if (url.startsWith("/api/keys/") && method === "POST")
        return ok({ id: 4, name: body.name, prefix: "sy_12ab", workspace: body.workspace, created_at: NOW, last_used_at: null, revoked_at: null, key: "sy_12ab.SECRET" }, 201);
      if (url.startsWith("/api/keys/"))
        return ok({ results: [{ id: 1, name: "ci", prefix: "sy_9z", workspace: null, created_at: NOW, last_used_at: NOW, revoked_at: null }] });
      return ok({ detail: "Not found." }, 404);
    }),
  );
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("settings page", () => {
  it("lets owners manage members, invitations, credentials and their API keys", async () => {
    window.history.replaceState(null, "", "/app/settings");
    const calls = stubApi("owner");
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("heading", { name: "Members" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Settings" }).getAttribute("aria-current")).toBe("page");

    // A username with markup is text.
    const evilRole = await screen.findByRole("combobox", { name: `Role of ${EVIL}` });
    expect(document.querySelector('img[src="x"]')).toBeNull();
    fireEvent.change(evilRole, { target: { value: "reviewer" } });
    await vi.waitFor(() => expect(calls.some((c) => c.method === "PATCH" && c.body && (c.body as { role: string }).role === "reviewer")).toBe(true));
    fireEvent.click(screen.getByRole("button", { name: `Remove ${EVIL}` }));
    const yes = within(screen.getByRole("group", { name: `Confirm removing ${EVIL}` })).getByRole("button", { name: `Yes, remove ${EVIL}` }) as HTMLButtonElement;
    await vi.waitFor(() => expect(yes.disabled).toBe(false));
    fireEvent.click(yes);
    await vi.waitFor(() => expect(calls.some((c) => c.method === "DELETE" && c.url === `/api/workspaces/acme/members/${encodeURIComponent(EVIL)}/`)).toBe(true));

    // An invitation link is shown once.
    const invite = screen.getByRole("form", { name: "Create an invitation" });
    fireEvent.change(within(invite).getByRole("combobox", { name: "Role" }), { target: { value: "editor" } });
    fireEvent.click(within(invite).getByRole("button", { name: "Create invitation" }));
    expect(((await screen.findByRole("textbox", { name: "Invitation link" })) as HTMLInputElement).value).toBe("http://x/invite/inv/");
    expect(calls.find((c) => c.method === "POST" && c.url.includes("invitations"))?.body).toEqual({ role: "editor", expires_in: 7 * 86400 });

    // Credentials: masked hint only; the secret field is a password field.
    expect(screen.getByText("sk-…abcd")).toBeTruthy();
    const secret = screen.getByLabelText("Secret key") as HTMLInputElement;
    expect(secret.type).toBe("password");
    expect(screen.getByRole("button", { name: "Delete credential default" })).toBeTruthy();

    // API keys: last used, and a new key shown once.
    expect(screen.getByRole("button", { name: "Revoke key ci" })).toBeTruthy();
    fireEvent.change(screen.getByRole("textbox", { name: "Key name" }), { target: { value: "laptop" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(((await screen.findByRole("textbox", { name: "API key" })) as HTMLInputElement).value).toBe("sy_12ab.SECRET");
    expect(calls.find((c) => c.method === "POST" && c.url === "/api/keys/")?.body).toEqual({ name: "laptop", workspace: "acme" });
  }, 30_000);

  it("shows other roles only their API keys", async () => {
    window.history.replaceState(null, "", "/app/settings");
    stubApi("editor");
    render(<App props={{ user: null }} />);
    expect(await screen.findByRole("heading", { name: "Your API keys" })).toBeTruthy();
    expect(screen.getByText(/Only the workspace's owners manage/)).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Members" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "LLM credentials" })).toBeNull();
  });
});
